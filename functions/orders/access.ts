import { hasPermission, isSuperAdmin, type Caller } from '../kit';

/**
 * Who sees every order: a caller holding `orders.view` with a role other than `customer`
 * (staff: admin, manager, support, merchant, super-admin). Anyone else, including a caller whose
 * only role is `customer` or who has no role at all, sees only the orders they placed.
 */
export const seesAllOrders = (caller: Caller): boolean =>
  isSuperAdmin(caller) || (hasPermission(caller, 'orders.view') && caller.roles.some((role) => role !== 'customer'));

/** The `where` that limits a query to what the caller may see. */
export const visibleTo = (caller: Caller): { user_id?: number } => (seesAllOrders(caller) ? {} : { user_id: caller.id });
