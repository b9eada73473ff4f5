/**
 * What the commerce services tell each other: every event type's data (TypeScript type and
 * JSON Schema) and the HTTP answers one service reads from another. Producers declare these
 * schemas in their `emits`; consumers type their handlers with them. Money is a decimal string
 * with two decimals ("19.90"), rates a percentage string ("20.00").
 */
import type { EventDeclaration } from '../kit/events/declarations';
import { id, list, money, nullableText, object, text, timestamp } from './schema';

export const EVENTS = {
  productCreated: 'ecommerce.products.product.created',
  productUpdated: 'ecommerce.products.product.updated',
  productDeleted: 'ecommerce.products.product.deleted',
  stockChanged: 'ecommerce.products.stock.changed',
  stockReserved: 'ecommerce.products.stock.reserved',
  stockRejected: 'ecommerce.products.stock.rejected',
  orderCreated: 'ecommerce.orders.order.created',
  orderConfirmed: 'ecommerce.orders.order.confirmed',
  orderCancelled: 'ecommerce.orders.order.cancelled',
  orderShipped: 'ecommerce.orders.order.shipped',
  orderDelivered: 'ecommerce.orders.order.delivered',
  orderStatusChanged: 'ecommerce.orders.order.status-changed',
  deliveryCreated: 'ecommerce.deliveries.delivery.created',
  deliveryStatusChanged: 'ecommerce.deliveries.delivery.status-changed',
} as const;

// ---- products -------------------------------------------------------------------------------

/** What baskets keeps of a product (its read model); sent on product created/updated and stock changes. */
export interface ProductSnapshot {
  id: number;
  name: string;
  ref: string;
  price_ht: string;
  vat_rate: string;
  stock: number;
  reserved: number;
  available: number;
  is_active: boolean;
}
const productSnapshot = object({ id, name: text, ref: text, price_ht: money, vat_rate: money, stock: { type: 'integer' }, reserved: { type: 'integer' }, available: { type: 'integer' }, is_active: { type: 'boolean' } });

export interface ProductDeleted { id: number }
export interface StockChanged { product_id: number; stock: number; reserved: number; available: number }
const stockLevel = object({ product_id: id, stock: { type: 'integer' }, reserved: { type: 'integer' }, available: { type: 'integer' } });

export interface OrderLine { product_id: number; quantity: number }
const orderLine = object({ product_id: id, quantity: { type: 'integer', minimum: 1 } });

/** Every line of the order was reserved, in one transaction. */
export interface StockReserved { order_id: number; lines: OrderLine[]; levels: StockChanged[] }
/** None was reserved: `lines` are those that lacked stock (or no longer exist / are inactive). */
export interface StockRejected { order_id: number; reason: string; lines: Array<{ product_id: number; requested: number; available: number }> }

// ---- orders ---------------------------------------------------------------------------------

export interface AddressSnapshot {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  address_line_1: string;
  address_line_2: string | null;
  city: string;
  postal_code: string;
  region: string | null;
  country_code: string;
  country: string;
  phone: string | null;
}
const addressSnapshot = object(
  { id, first_name: text, last_name: text, company: nullableText, address_line_1: text, address_line_2: nullableText, city: text, postal_code: text, region: nullableText, country_code: text, country: text, phone: nullableText },
);

export interface OrderItemData { product_id: number; product_name: string; product_ref: string; quantity: number; unit_price_ht: string; vat_rate: string }
const orderItem = object({ product_id: id, product_name: text, product_ref: text, quantity: { type: 'integer', minimum: 1 }, unit_price_ht: money, vat_rate: money });

export interface OrderCreated {
  id: number;
  order_number: string;
  user_id: number;
  basket_id: number;
  status: 'pending';
  items: OrderItemData[];
  total_amount_ttc: string;
  created_at: string;
}

/** Deliveries creates the delivery from this; contacts counts the purchase. */
export interface OrderConfirmed {
  id: number;
  order_number: string;
  user_id: number;
  customer_email: string;
  shipping_address: AddressSnapshot;
  items: OrderItemData[];
  total_amount_ttc: string;
  confirmed_at: string;
}

export interface OrderCancelled { id: number; order_number: string; user_id: number; reason: string; previous_status: string }
export interface OrderStatusChanged { id: number; order_number: string; user_id: number; from: string; to: string; reason: string | null; at: string }

// ---- deliveries -----------------------------------------------------------------------------

export interface DeliveryCreated { id: number; order_id: number; tracking_number: string; status: string }
/** `sequence` grows with each change of one delivery, so a stale event can be told apart. */
export interface DeliveryStatusChanged { id: number; order_id: number; tracking_number: string; from: string; to: string; location: string | null; at: string; sequence: number }

export const commerceEvents: Record<string, EventDeclaration> = {
  [EVENTS.productCreated]: { type: EVENTS.productCreated, description: 'A product was created.', schema: productSnapshot },
  [EVENTS.productUpdated]: { type: EVENTS.productUpdated, description: 'A product changed (name, price, VAT, activity, stock).', schema: productSnapshot },
  [EVENTS.productDeleted]: { type: EVENTS.productDeleted, description: 'A product was deleted.', schema: object({ id }) },
  [EVENTS.stockChanged]: { type: EVENTS.stockChanged, description: "A product's stock or reservations changed.", schema: stockLevel },
  [EVENTS.stockReserved]: { type: EVENTS.stockReserved, description: "Every line of an order was reserved.", schema: object({ order_id: id, lines: list(orderLine), levels: list(stockLevel) }) },
  [EVENTS.stockRejected]: {
    type: EVENTS.stockRejected, description: 'An order could not be reserved; nothing was.',
    schema: object({ order_id: id, reason: text, lines: list(object({ product_id: id, requested: { type: 'integer' }, available: { type: 'integer' } })) }),
  },
  [EVENTS.orderCreated]: {
    type: EVENTS.orderCreated, description: 'An order was placed (pending until its stock is reserved).',
    schema: object({ id, order_number: text, user_id: id, basket_id: id, status: { const: 'pending' }, items: list(orderItem), total_amount_ttc: money, created_at: timestamp }),
  },
  [EVENTS.orderConfirmed]: {
    type: EVENTS.orderConfirmed, description: 'An order is confirmed: its stock is reserved.',
    schema: object({ id, order_number: text, user_id: id, customer_email: text, shipping_address: addressSnapshot, items: list(orderItem), total_amount_ttc: money, confirmed_at: timestamp }),
  },
  [EVENTS.orderCancelled]: {
    type: EVENTS.orderCancelled, description: 'An order was cancelled (by its customer, staff, or for lack of stock).',
    schema: object({ id, order_number: text, user_id: id, reason: text, previous_status: text }),
  },
  [EVENTS.orderShipped]: { type: EVENTS.orderShipped, description: 'An order left the warehouse.', schema: object({ id, order_number: text, user_id: id }) },
  [EVENTS.orderDelivered]: { type: EVENTS.orderDelivered, description: 'An order was delivered.', schema: object({ id, order_number: text, user_id: id }) },
  [EVENTS.orderStatusChanged]: {
    type: EVENTS.orderStatusChanged, description: "An order's status changed.",
    schema: object({ id, order_number: text, user_id: id, from: text, to: text, reason: nullableText, at: timestamp }),
  },
  [EVENTS.deliveryCreated]: { type: EVENTS.deliveryCreated, description: 'A delivery was created for a confirmed order.', schema: object({ id, order_id: id, tracking_number: text, status: text }) },
  [EVENTS.deliveryStatusChanged]: {
    type: EVENTS.deliveryStatusChanged, description: "A delivery's status changed; its order follows.",
    schema: object({ id, order_id: id, tracking_number: text, from: text, to: text, location: nullableText, at: timestamp, sequence: { type: 'integer', minimum: 1 } }),
  },
};

// ---- HTTP answers read across services ---------------------------------------------------------

/** `GET /baskets/current` and `POST /baskets/checkout` (baskets), as orders reads it with the customer's token. */
export interface BasketJson {
  id: number;
  user_id: number;
  status: 'active' | 'checked_out';
  items: Array<{ id: number; product_id: number; product_name: string; product_ref: string; quantity: number; unit_price_ht: string; vat_rate: string; line_subtotal_ht: string; line_discount: string; line_vat: string; line_total_ttc: string }>;
  promo_codes: Array<{ id: number; code: string; name: string; type: string; discount: string }>;
  subtotal_ht: string;
  discount: string;
  vat: string;
  shipping: string;
  total_ttc: string;
  items_count: number;
}

/** `GET /addresses/{id}` (addresses), as orders reads it with the customer's token (404 when not theirs). */
export interface AddressJson {
  id: number;
  user_id: number;
  type: 'billing' | 'shipping' | 'both';
  first_name: string;
  last_name: string;
  company: string | null;
  address_line_1: string;
  address_line_2: string | null;
  city: string;
  postal_code: string;
  region_id: number | null;
  region: { id: number; name: string; code: string } | null;
  country_id: number;
  country: { id: number; name: string; code: string };
  phone: string | null;
  is_default: boolean;
}
