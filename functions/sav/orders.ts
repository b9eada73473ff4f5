import { callService, fieldError, unavailable } from '../kit';

/**
 * A ticket links only an order its caller may see. Orders is asked with the caller's own token
 * (as it is asked by nobody else's): a customer sees their own orders, staff with orders.view
 * every one. Another's order and an unknown one are the same 422, telling nothing of others'.
 */
export async function ensureVisibleOrder(orderId: number): Promise<void> {
  const answer = await callService('orders', `/orders/${orderId}`, { timeoutMs: 5_000 });
  if (answer.status === 200) return;
  if ([401, 403, 404].includes(answer.status)) throw fieldError('order_id', 'The selected order does not exist or is not yours.');
  throw unavailable('The orders service could not say whether this order is yours; nothing was changed.');
}
