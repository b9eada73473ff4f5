import type { Transaction } from 'sequelize';
import { declarationsOf } from '../contracts';
import { EVENTS, type OrderCancelled, type OrderConfirmed, type OrderStatusChanged } from '../contracts/commerce';
import { emit } from '../kit';
import type { Order } from './database';
import { itemData } from './json';

export const orderEvents = declarationsOf(
  EVENTS.orderCreated, EVENTS.orderConfirmed, EVENTS.orderCancelled, EVENTS.orderShipped, EVENTS.orderDelivered, EVENTS.orderStatusChanged,
);

const reference = (order: Order) => ({ id: order.id, order_number: order.order_number, user_id: order.user_id });

/** The events of one step of an order's lifecycle: status-changed, and the named event of the new status. */
export async function emitStep(transaction: Transaction, order: Order, from: string, to: string, reason: string | null, at: Date): Promise<void> {
  const changed: OrderStatusChanged = { ...reference(order), from, to, reason, at: at.toISOString() };
  await emit(transaction, EVENTS.orderStatusChanged, order.id, changed);
  if (to === 'confirmed') {
    const confirmed: OrderConfirmed = {
      ...reference(order), customer_email: order.customer_email, shipping_address: order.shipping_address,
      items: (order.items ?? []).map(itemData), total_amount_ttc: order.total_amount_ttc, confirmed_at: at.toISOString(),
    };
    await emit(transaction, EVENTS.orderConfirmed, order.id, confirmed);
  }
  if (to === 'shipped') await emit(transaction, EVENTS.orderShipped, order.id, reference(order));
  if (to === 'delivered') await emit(transaction, EVENTS.orderDelivered, order.id, reference(order));
  if (to === 'cancelled') await emitCancelled(transaction, order, from, reason ?? 'cancelled');
}

export async function emitCancelled(transaction: Transaction, order: Order, previousStatus: string, reason: string): Promise<void> {
  const cancelled: OrderCancelled = { ...reference(order), reason, previous_status: previousStatus };
  await emit(transaction, EVENTS.orderCancelled, order.id, cancelled);
}
