import type { Transaction } from 'sequelize';
import { contractData } from '../contracts';
import { EVENTS, type DeliveryStatusChanged, type StockRejected, type StockReserved } from '../contracts/commerce';
import { PermanentEventError, type ReceivedEvent, type Subscription } from '../kit';
import { db } from './database';
import { emitCancelled } from './events';
import { deliveryEffect } from './lifecycle';
import { lockOrderForEvent } from './orders';
import { moveOrder } from './transitions';

/**
 * The order follows its stock and its delivery. An event that cannot move the order (it is stale,
 * would take the order back, or names an unknown order) is acknowledged and recorded in the inbox
 * with its reason (a PermanentEventError), never retried and never applied.
 */
const reservedData = contractData<StockReserved>(EVENTS.stockReserved);
const rejectedData = contractData<StockRejected>(EVENTS.stockRejected);
const deliveryData = contractData<DeliveryStatusChanged>(EVENTS.deliveryStatusChanged);

async function onStockReserved(event: ReceivedEvent, transaction: Transaction): Promise<void> {
  const data = reservedData(event);
  const locked = await lockOrderForEvent(data.order_id, transaction);
  if (locked.status === 'pending') return moveOrder(locked, ['confirmed'], { by: null, reason: 'stock reserved' }, transaction);
  if (locked.status === 'cancelled') {
    // Products may reserve after handling our order.cancelled (two queues, no order between them): ask again to release.
    const cancellation = await db.models.OrderStatusHistory.findOne({ where: { order_id: locked.order.id, to_status: 'cancelled' }, order: [['id', 'DESC']], transaction });
    return emitCancelled(transaction, locked.order, cancellation?.from_status ?? 'pending', 'stock reserved after the order was cancelled: release it');
  }
  throw new PermanentEventError(`order ${data.order_id} is already ${locked.status}: stock.reserved ignored`);
}

async function onStockRejected(event: ReceivedEvent, transaction: Transaction): Promise<void> {
  const data = rejectedData(event);
  const locked = await lockOrderForEvent(data.order_id, transaction);
  if (locked.status !== 'pending') throw new PermanentEventError(`order ${data.order_id} is already ${locked.status}: stock.rejected ignored`);
  await moveOrder(locked, ['cancelled'], { by: null, reason: 'insufficient stock' }, transaction);
}

async function onDeliveryStatusChanged(event: ReceivedEvent, transaction: Transaction): Promise<void> {
  const data = deliveryData(event);
  const locked = await lockOrderForEvent(data.order_id, transaction);
  const { order } = locked;
  if (order.delivery_id === data.id && data.sequence <= order.delivery_sequence) {
    throw new PermanentEventError(`stale: delivery ${data.id} event ${data.sequence} (${data.to}) comes after ${order.delivery_sequence} was applied`);
  }
  const effect = deliveryEffect(locked.status, data.to);
  if (effect.kind === 'ignored') throw new PermanentEventError(`order ${order.id}: ${effect.reason}`);
  await order.update({ delivery_id: data.id, delivery_sequence: data.sequence }, { transaction });
  if (effect.kind === 'move') await moveOrder(locked, effect.path, { by: null, reason: `delivery ${data.tracking_number} ${data.to}` }, transaction);
}

export const orderSubscriptions: Subscription[] = [
  // Events of different orders are independent and one order's are serialized by its row lock:
  // several deliveries at once keep up with checkout traffic.
  { type: EVENTS.stockReserved, description: 'confirms the pending order whose stock is reserved', handler: onStockReserved, parallelism: 8 },
  { type: EVENTS.stockRejected, description: 'cancels the pending order whose stock could not be reserved (insufficient stock)', handler: onStockRejected, parallelism: 8 },
  { type: EVENTS.deliveryStatusChanged, description: 'moves the order along with its delivery (processing, shipped, delivered, returned)', handler: onDeliveryStatusChanged },
];
