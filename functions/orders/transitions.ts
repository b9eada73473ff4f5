import type { Transaction } from 'sequelize';
import { conflict } from '../kit';
import { db } from './database';
import { canMoveByHand } from './lifecycle';
import { emitStep } from './events';
import { lifecycleStatus } from './status-rows';
import type { LockedOrder } from './orders';

export interface Change {
  /** The user who asks for it; null when an event does. */
  by: number | null;
  reason: string | null;
}

const STAMPS: Record<string, 'confirmed_at' | 'shipped_at' | 'delivered_at' | 'cancelled_at'> = {
  confirmed: 'confirmed_at', shipped: 'shipped_at', delivered: 'delivered_at', cancelled: 'cancelled_at',
};

/**
 * Moves a locked order through `path` (statuses the caller checked are legal, in order), one step
 * at a time: status, its timestamp, a history row and the step's events, all in `transaction`.
 */
export async function moveOrder(locked: LockedOrder, path: string[], change: Change, transaction: Transaction): Promise<void> {
  const { OrderStatusHistory } = db.models;
  const { order } = locked;
  for (const to of path) {
    const from = locked.status;
    const status = await lifecycleStatus(to);
    const at = new Date();
    await order.update({
      status_id: status.id,
      ...(STAMPS[to] ? { [STAMPS[to]]: at } : {}),
      ...(to === 'cancelled' ? { cancel_reason: change.reason } : {}),
    }, { transaction });
    await OrderStatusHistory.create({ order_id: order.id, from_status: from, to_status: to, changed_by: change.by, reason: change.reason, created_at: at }, { transaction });
    await emitStep(transaction, order, from, to, change.reason, at);
    locked.status = to;
  }
}

/** A change asked for by a person (staff or the customer): one legal step, else 409. */
export async function moveByHand(locked: LockedOrder, to: string, change: Change, transaction: Transaction): Promise<void> {
  if (!canMoveByHand(locked.status, to)) {
    const hint = locked.status === 'pending' && to === 'confirmed' ? ' An order is confirmed when its stock is reserved.' : '';
    throw conflict(`An order cannot go from ${locked.status} to ${to}.${hint}`);
  }
  await moveOrder(locked, [to], change, transaction);
}
