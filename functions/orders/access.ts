import { hasStaffPermission, type Caller } from '../kit';

/** Staff with `orders.view` see every order; anyone else only the orders they placed. */
export const seesAllOrders = (caller: Caller): boolean => hasStaffPermission(caller, 'orders.view');

/** The `where` that limits a query to what the caller may see. */
export const visibleTo = (caller: Caller): { user_id?: number } => (seesAllOrders(caller) ? {} : { user_id: caller.id });
