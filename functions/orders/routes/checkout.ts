import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { EVENTS, type AddressSnapshot, type BasketJson, type OrderCreated } from '../../contracts/commerce';
import { conflict, emit, fieldError, formatCents, percentOf, reply, route, toBasisPoints, toCents, type Caller, type Request } from '../../kit';
import { db, PAYMENT_METHODS, type Order, type PaymentMethod } from '../database';
import { amount, callerAddress, basketForOrder } from '../dependencies';
import { itemData, orderJson } from '../json';
import { loadOrder } from '../orders';
import { lifecycleStatus } from '../status-rows';

interface CheckoutBody {
  address_id: number;
  shipping_address_id?: number | null;
  payment_method: PaymentMethod;
  notes?: string | null;
}

const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_FIELD = 'Idempotency-Key';

function idempotencyKey(req: Request<{}, {}, CheckoutBody>): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = (Array.isArray(raw) ? raw[0] : raw).trim();
  if (!key || key.length > 255) throw fieldError(KEY_FIELD, 'The Idempotency-Key header must be 1 to 255 characters.');
  return key;
}

/** What the request asked for: a key sent again with another request is refused, not replayed. */
const requestHash = (body: CheckoutBody) =>
  createHash('sha256').update(JSON.stringify([body.address_id, body.shipping_address_id ?? null, body.payment_method, body.notes ?? null])).digest('hex');

/** `ORD-2026-000123`: the year it was placed and its id. */
const orderNumber = (order: Order) => `ORD-${order.created_at.getUTCFullYear()}-${String(order.id).padStart(6, '0')}`;

async function replay(userId: number, key: string, hash: string) {
  const order = await db.models.Order.findOne({ where: { user_id: userId, idempotency_key: key }, paranoid: false });
  if (!order) return undefined;
  if (order.deleted_at) throw conflict('This Idempotency-Key was used for an order that has since been deleted.');
  if (order.idempotency_hash !== hash) throw fieldError(KEY_FIELD, 'This Idempotency-Key was already used with a different request.');
  return reply.with(200, { message: 'Order already created for this Idempotency-Key.', order: orderJson(await loadOrder(order.id)) }, { 'Idempotent-Replayed': 'true' });
}

const isDuplicateOrDeadlock = (error: unknown) => {
  const code = (error as { original?: { code?: string } })?.original?.code;
  return (error as { name?: string })?.name === 'SequelizeUniqueConstraintError' || code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK';
};

interface Sources {
  basket: BasketJson;
  billing: AddressSnapshot;
  shipping: AddressSnapshot;
}

/** The basket and addresses, read before any transaction opens (no connection held during HTTP calls). */
async function readSources(caller: Caller, body: CheckoutBody): Promise<Sources> {
  const separateShipping = body.shipping_address_id && body.shipping_address_id !== body.address_id ? body.shipping_address_id : undefined;
  const [billing, shipping] = await Promise.all([
    callerAddress(body.address_id, 'address_id', caller),
    separateShipping ? callerAddress(separateShipping, 'shipping_address_id', caller) : undefined,
  ]);
  // After the addresses: the basket claims its promo codes' uses, which a refused order would hold.
  const basket = await basketForOrder();
  if (!basket.items.length) throw fieldError('basket', 'Your basket is empty.');
  return { basket, billing, shipping: shipping ?? billing };
}

async function createOrder(caller: Caller, body: CheckoutBody, { basket, billing, shipping }: Sources, key: string | undefined, hash: string, transaction: Transaction): Promise<number> {
  const { Order, OrderItem, OrderStatusHistory } = db.models;
  const pending = await lifecycleStatus('pending');
  const order = await Order.create({
    order_number: `tmp-${randomUUID()}`,
    user_id: caller.id,
    customer_email: caller.email,
    basket_id: basket.id,
    status_id: pending.id,
    billing_address_id: billing.id,
    shipping_address_id: shipping.id,
    billing_address: billing,
    shipping_address: shipping,
    payment_method: body.payment_method,
    notes: body.notes ?? null,
    total_amount_ht: amount(basket.subtotal_ht),
    total_discount: amount(basket.discount),
    vat_amount: amount(basket.vat),
    shipping_amount: amount(basket.shipping),
    total_amount_ttc: amount(basket.total_ttc),
    idempotency_key: key ?? null,
    idempotency_hash: key ? hash : null,
  }, { transaction });
  await order.update({ order_number: orderNumber(order) }, { transaction });
  const items = await OrderItem.bulkCreate(basket.items.map((line) => {
    const unitHt = toCents(line.unit_price_ht);
    return {
      order_id: order.id,
      product_id: line.product_id,
      product_name: line.product_name,
      product_ref: line.product_ref,
      quantity: line.quantity,
      unit_price_ht: formatCents(unitHt),
      unit_price_ttc: formatCents(unitHt + percentOf(unitHt, toBasisPoints(line.vat_rate))),
      vat_rate: amount(line.vat_rate),
      total_ht: amount(line.line_subtotal_ht),
      discount: amount(line.line_discount),
      vat_amount: amount(line.line_vat),
      total_ttc: amount(line.line_total_ttc),
    };
  }), { transaction });
  await OrderStatusHistory.create({ order_id: order.id, from_status: null, to_status: 'pending', changed_by: caller.id, reason: 'order placed', created_at: order.created_at }, { transaction });
  const created: OrderCreated = {
    id: order.id, order_number: order.order_number, user_id: order.user_id, basket_id: order.basket_id, status: 'pending',
    items: items.map(itemData), total_amount_ttc: order.total_amount_ttc, created_at: order.created_at.toISOString(),
  };
  await emit(transaction, EVENTS.orderCreated, order.id, created);
  return order.id;
}

export const checkoutRoutes = [
  route<{}, {}, CheckoutBody>({
    method: 'POST', path: '/orders/create-from-basket',
    summary: "Place an order from the caller's basket (optional Idempotency-Key header: the same key returns the same order)",
    access: { permission: 'orders.create' },
    body: {
      type: 'object',
      required: ['address_id', 'payment_method'],
      properties: {
        address_id: { type: 'integer', minimum: 1, description: 'billing address (one of the caller\'s)' },
        shipping_address_id: { type: ['integer', 'null'], minimum: 1, description: 'defaults to the billing address' },
        payment_method: { type: 'string', enum: [...PAYMENT_METHODS] },
        notes: { type: ['string', 'null'], maxLength: 2000 },
      },
    },
    response: { status: 201, description: '`{ message, order }`; 200 with the same order when the Idempotency-Key was already used' },
    handler: async (req) => {
      const caller = req.user;
      const key = idempotencyKey(req);
      const hash = requestHash(req.body);
      if (key) {
        const earlier = await replay(caller.id, key, hash);
        if (earlier) return earlier;
      }
      let sources: Sources;
      try {
        sources = await readSources(caller, req.body);
      } catch (error) {
        // A request with the same key may have placed the order meanwhile, and its basket be checked out since.
        const earlier = key ? await replay(caller.id, key, hash) : undefined;
        if (earlier) return earlier;
        throw error;
      }
      let id: number;
      try {
        id = await db.sequelize.transaction((transaction) => createOrder(caller, req.body, sources, key, hash, transaction));
      } catch (error) {
        // A request with the same key won the race: its order is the answer.
        const earlier = key && isDuplicateOrDeadlock(error) ? await replay(caller.id, key, hash) : undefined;
        if (earlier) return earlier;
        throw error;
      }
      return reply.created({ message: 'Order created successfully.', order: orderJson(await loadOrder(id)) });
    },
  }),
];
