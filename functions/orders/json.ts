import type { OrderItemData } from '../contracts/commerce';
import type { Order, OrderItem, OrderStatusHistory } from './database';

/** What events carry of a line. */
export const itemData = (item: OrderItem): OrderItemData => ({
  product_id: item.product_id,
  product_name: item.product_name,
  product_ref: item.product_ref,
  quantity: item.quantity,
  unit_price_ht: item.unit_price_ht,
  vat_rate: item.vat_rate,
});

const itemJson = (item: OrderItem) => ({
  id: item.id,
  ...itemData(item),
  unit_price_ttc: item.unit_price_ttc,
  total_ht: item.total_ht,
  discount: item.discount,
  vat_amount: item.vat_amount,
  total_ttc: item.total_ttc,
});

const historyJson = (entry: OrderStatusHistory) => ({
  from: entry.from_status,
  to: entry.to_status,
  by: entry.changed_by,
  reason: entry.reason,
  at: entry.created_at,
});

/** An order as clients see it (loaded with its status, items and history). */
export function orderJson(order: Order) {
  const items = order.items ?? [];
  return {
    id: order.id,
    order_number: order.order_number,
    user_id: order.user_id,
    customer_email: order.customer_email,
    status: order.status?.name,
    status_id: order.status_id,
    payment_method: order.payment_method,
    notes: order.notes,
    currency: 'EUR',
    total_amount_ht: order.total_amount_ht,
    total_discount: order.total_discount,
    vat_amount: order.vat_amount,
    shipping_amount: order.shipping_amount,
    total_amount_ttc: order.total_amount_ttc,
    billing_address_id: order.billing_address_id,
    shipping_address_id: order.shipping_address_id,
    billing_address: order.billing_address,
    shipping_address: order.shipping_address,
    items: items.map(itemJson),
    items_count: items.reduce((sum, item) => sum + item.quantity, 0),
    status_history: (order.history ?? []).map(historyJson),
    cancel_reason: order.cancel_reason,
    basket_id: order.basket_id,
    confirmed_at: order.confirmed_at,
    shipped_at: order.shipped_at,
    delivered_at: order.delivered_at,
    cancelled_at: order.cancelled_at,
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
}
