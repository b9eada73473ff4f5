import type { Transaction, WhereOptions } from 'sequelize';
import { PermanentEventError, notFound, type Caller } from '../kit';
import { db, type Order } from './database';
import { visibleTo } from './access';
import { statusName } from './status-rows';

const fullIncludes = () => {
  const { OrderItem, OrderStatus, OrderStatusHistory } = db.models;
  return [
    { model: OrderStatus, as: 'status' },
    { model: OrderItem, as: 'items', separate: true, order: [['id', 'ASC']] as [string, string][] },
    { model: OrderStatusHistory, as: 'history', separate: true, order: [['id', 'ASC']] as [string, string][] },
  ];
};

const findOrders = (where: WhereOptions<Order>) => db.models.Order.findAll({ where, include: fullIncludes() });

/** Orders with their status, items and history, in the order of `ids`. */
export async function loadOrders(ids: number[]): Promise<Order[]> {
  if (!ids.length) return [];
  const byId = new Map((await findOrders({ id: ids })).map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is Order => row !== undefined);
}

export async function loadOrder(id: number): Promise<Order> {
  const [order] = await findOrders({ id });
  if (!order) throw notFound('Order not found.');
  return order;
}

/** An order the caller may see; another customer's order is a 404, as an unknown one. */
export async function visibleOrderOr404(id: number, caller: Caller): Promise<Order> {
  const [order] = await findOrders({ id, ...visibleTo(caller) });
  if (!order) throw notFound('Order not found.');
  return order;
}

export interface LockedOrder {
  order: Order;
  /** The name of its current status. */
  status: string;
}

/**
 * Reads an order for a change, its row locked until the transaction ends, so that concurrent
 * changes of one order (requests, events) apply one after the other.
 */
async function lockOrder(id: number, transaction: Transaction): Promise<LockedOrder | undefined> {
  const { Order, OrderItem } = db.models;
  const order = await Order.findOne({ where: { id }, lock: transaction.LOCK.UPDATE, transaction });
  if (!order) return undefined;
  const [status, items] = await Promise.all([
    statusName(order.status_id, transaction),
    OrderItem.findAll({ where: { order_id: order.id }, order: [['id', 'ASC']], transaction }),
  ]);
  order.items = items;
  return { order, status };
}

export async function lockOrderOr404(id: number, transaction: Transaction): Promise<LockedOrder> {
  const locked = await lockOrder(id, transaction);
  if (!locked) throw notFound('Order not found.');
  return locked;
}

export async function lockOrderForEvent(id: number, transaction: Transaction): Promise<LockedOrder> {
  const locked = await lockOrder(id, transaction);
  if (!locked) throw new PermanentEventError(`order ${id} does not exist`);
  return locked;
}
