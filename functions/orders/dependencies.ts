/**
 * What an order is made from, read from the services that own it with the caller's token:
 * their basket (baskets, which claims the promo codes' uses) and their addresses (addresses). An answer that breaks the contract is
 * treated as a failing service (503, nothing created), never trusted.
 */
import type { AddressJson, AddressSnapshot, BasketJson } from '../contracts/commerce';
import { callService, compileOnUse, fieldError, formatCents, invalid, toCents, unavailable, type Caller } from '../kit';

const decimal = { anyOf: [{ type: 'string', pattern: '^-?\\d+(\\.\\d{1,2})?$' }, { type: 'number' }] };
const text = { type: 'string', minLength: 1 };
const optionalText = { type: ['string', 'null'] };
const id = { type: 'integer', minimum: 1, maximum: 4_294_967_295 };

const checkBasket = compileOnUse({
  type: 'object',
  required: ['id', 'items', 'subtotal_ht', 'discount', 'vat', 'shipping', 'total_ttc'],
  properties: {
    id,
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['product_id', 'product_name', 'product_ref', 'quantity', 'unit_price_ht', 'vat_rate', 'line_subtotal_ht', 'line_discount', 'line_vat', 'line_total_ttc'],
        properties: {
          product_id: id, product_name: text, product_ref: text, quantity: { type: 'integer', minimum: 1 },
          unit_price_ht: decimal, vat_rate: decimal, line_subtotal_ht: decimal, line_discount: decimal, line_vat: decimal, line_total_ttc: decimal,
        },
      },
    },
    subtotal_ht: decimal, discount: decimal, vat: decimal, shipping: decimal, total_ttc: decimal,
  },
});

const checkAddress = compileOnUse({
  type: 'object',
  required: ['id', 'user_id', 'first_name', 'last_name', 'address_line_1', 'city', 'postal_code', 'country'],
  properties: {
    id, user_id: id, first_name: text, last_name: text, company: optionalText, address_line_1: text, address_line_2: optionalText,
    city: text, postal_code: text, phone: optionalText,
    region: { anyOf: [{ type: 'null' }, { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }] },
    country: { type: 'object', required: ['name', 'code'], properties: { name: text, code: text } },
  },
});

/** "19.9" or 19.9 → "19.90": the same money whatever the other side's formatting. */
export const amount = (value: string | number) => formatCents(toCents(value));

/**
 * The caller's basket as the order takes it: baskets claims one use of each promo code it
 * applies, so a code's `max_uses` holds; one that ran out is the customer's 422, passed on.
 */
export async function basketForOrder(): Promise<BasketJson> {
  const answer = await callService<BasketJson & { errors?: Record<string, string[]> }>('baskets', '/baskets/checkout', { method: 'POST' });
  if (answer.status === 422 && answer.body?.errors) throw invalid(answer.body.errors);
  if (answer.status !== 200 || !checkBasket(answer.body)) throw unavailable('The baskets service gave an unexpected answer; nothing was changed. Try again shortly.');
  return answer.body;
}

/** The caller's address `id`; someone else's (addresses answers 404) is a 422 on `field`. */
export async function callerAddress(id: number, field: string, caller: Caller): Promise<AddressSnapshot> {
  const answer = await callService<AddressJson>('addresses', `/addresses/${id}`);
  if (answer.status === 404 || (answer.status === 200 && answer.body?.user_id !== caller.id)) {
    throw fieldError(field, 'The selected address does not exist or is not yours.');
  }
  if (answer.status !== 200 || !checkAddress(answer.body)) throw unavailable('The addresses service gave an unexpected answer; nothing was changed. Try again shortly.');
  const address = answer.body;
  return {
    id: address.id,
    first_name: address.first_name,
    last_name: address.last_name,
    company: address.company ?? null,
    address_line_1: address.address_line_1,
    address_line_2: address.address_line_2 ?? null,
    city: address.city,
    postal_code: address.postal_code,
    region: address.region?.name ?? null,
    country_code: address.country.code,
    country: address.country.name,
    phone: address.phone ?? null,
  };
}
