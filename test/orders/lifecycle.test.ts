import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canMove, canMoveByHand, deliveryEffect, forwardPath, isCancellable, isClosed } from '../../functions/orders/lifecycle';

const it = suite('orders: the lifecycle table (pure)');

it('legal moves are exactly the table', () => {
  for (const [from, to] of [['pending', 'confirmed'], ['pending', 'cancelled'], ['confirmed', 'processing'], ['processing', 'shipped'], ['shipped', 'delivered'], ['delivered', 'returned'], ['returned', 'refunded'], ['processing', 'cancelled']]) {
    assert.ok(canMove(from, to), `${from} → ${to}`);
  }
  for (const [from, to] of [['pending', 'shipped'], ['shipped', 'cancelled'], ['delivered', 'processing'], ['cancelled', 'pending'], ['refunded', 'returned'], ['pending', 'pending'], ['pending', 'nope']]) {
    assert.not.ok(canMove(from, to), `${from} → ${to}`);
  }
});

it('only reserved stock confirms; cancellable until shipped; closed when nothing follows', () => {
  assert.not.ok(canMoveByHand('pending', 'confirmed'));
  assert.ok(canMoveByHand('confirmed', 'processing'));
  assert.equal(['pending', 'confirmed', 'processing', 'shipped', 'delivered'].map(isCancellable), [true, true, true, false, false]);
  assert.equal(['cancelled', 'refunded', 'delivered', 'returned'].map(isClosed), [true, true, false, false]);
});

it('forward paths go through the statuses between, never backwards nor through cancelled', () => {
  assert.equal(forwardPath('confirmed', 'shipped'), ['processing', 'shipped']);
  assert.equal(forwardPath('confirmed', 'delivered'), ['processing', 'shipped', 'delivered']);
  assert.equal(forwardPath('processing', 'returned'), ['shipped', 'returned']);
  assert.equal(forwardPath('shipped', 'delivered'), ['delivered']);
  assert.is(forwardPath('delivered', 'shipped'), undefined);
  assert.is(forwardPath('cancelled', 'shipped'), undefined);
  assert.is(forwardPath('shipped', 'shipped'), undefined);
});

it('a delivery status moves its order forward, or does nothing, or is ignored', () => {
  assert.equal(deliveryEffect('confirmed', 'processing'), { kind: 'move', path: ['processing'] });
  assert.equal(deliveryEffect('confirmed', 'in_transit'), { kind: 'move', path: ['processing', 'shipped'] });
  assert.equal(deliveryEffect('processing', 'picked_up'), { kind: 'move', path: ['shipped'] });
  assert.equal(deliveryEffect('processing', 'out_for_delivery'), { kind: 'move', path: ['shipped'] }, 'out for delivery implies shipped');
  assert.equal(deliveryEffect('shipped', 'delivered'), { kind: 'move', path: ['delivered'] });
  assert.equal(deliveryEffect('shipped', 'returned'), { kind: 'move', path: ['returned'] });
  assert.equal(deliveryEffect('shipped', 'out_for_delivery'), { kind: 'none' });
  assert.equal(deliveryEffect('confirmed', 'pending'), { kind: 'none' });
  assert.equal(deliveryEffect('confirmed', 'cancelled'), { kind: 'none' });
  assert.is(deliveryEffect('delivered', 'in_transit').kind, 'ignored');
  assert.is(deliveryEffect('cancelled', 'processing').kind, 'ignored');
  assert.is(deliveryEffect('pending', 'processing').kind, 'ignored', 'a delivery never confirms an order');
});

it.run();
