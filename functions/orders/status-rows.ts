import type { Transaction } from 'sequelize';
import { db, type OrderStatus } from './database';
import { isLifecycleStatus } from './lifecycle';

/**
 * The order_status rows of the lifecycle, read once per process: every change of status needs
 * one, and they can be neither renamed nor deleted (see routes/statuses.ts), so they never change.
 */
let lifecycleRows: Promise<OrderStatus[]> | undefined;

function lifecycle(): Promise<OrderStatus[]> {
  lifecycleRows ??= db.models.OrderStatus.findAll().then(
    (rows) => rows.filter((row) => isLifecycleStatus(row.name)),
    (error) => {
      lifecycleRows = undefined;
      throw error;
    },
  );
  return lifecycleRows;
}

/** A lifecycle status's row (`pending`, `confirmed`...). */
export async function lifecycleStatus(name: string): Promise<OrderStatus> {
  const row = (await lifecycle()).find((status) => status.name === name);
  if (!row) throw new Error(`the lifecycle status "${name}" is not seeded`);
  return row;
}

/** The name of any status by id: lifecycle ones from memory, others (made by staff) from the table. */
export async function statusName(id: number, transaction?: Transaction): Promise<string> {
  const known = (await lifecycle()).find((status) => status.id === id);
  if (known) return known.name;
  return (await db.models.OrderStatus.findByPk(id, { transaction, rejectOnEmpty: true })).name;
}
