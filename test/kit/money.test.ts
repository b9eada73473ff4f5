import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allocate, formatCents, percentOf, toBasisPoints, toCents } from '../../functions/kit/money';

test('amounts go to cents and back exactly', () => {
  assert.is(toCents('19.90'), 1990);
  assert.is(toCents('19.9'), 1990);
  assert.is(toCents('0.07'), 7);
  assert.is(toCents(0.1 + 0.2), 30, 'a float is rounded to the cent first');
  assert.is(formatCents(1990), '19.90');
  assert.is(formatCents(5), '0.05');
  assert.is(formatCents(-250), '-2.50');
  assert.throws(() => toCents('1.999'));
  assert.throws(() => toCents('abc'));
});

test('percentages round half-up to the cent', () => {
  assert.is(percentOf(1990, toBasisPoints('20')), 398);
  assert.is(percentOf(1005, toBasisPoints('5.5')), 55, '55.275 → 55');
  assert.is(percentOf(1010, toBasisPoints('5.5')), 56, '55.55 → 56');
  assert.is(percentOf(50, toBasisPoints('1')), 1, '0.5 → 1 (half up)');
});

test('allocation spreads a discount pro rata and adds up exactly', () => {
  const shares = allocate(1000, [3333, 3333, 3334]);
  assert.is(shares.reduce((a, b) => a + b), 1000);
  assert.equal(shares, [333, 333, 334]);
  assert.equal(allocate(1, [1, 1]).reduce((a, b) => a + b), 1);
  assert.equal(allocate(100, [0, 0]), [0, 0]);
});

test.run();
