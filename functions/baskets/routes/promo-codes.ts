import type { Transaction } from 'sequelize';
import { crudRoutes, fieldError, formatCents, moneySchema, optionalText, route, staff, toCents } from '../../kit';
import { db, PromoCode, PromoType } from '../database';
import { hasOrdered, promoSummary, SHIPPING_COST, termsOf } from '../basket';
import { isPercentage, nominalDiscount, PROMO_KINDS, refusal, type PromoKind } from '../promo-rules';

/** A code as a customer types it (matched case-insensitively, surrounding spaces ignored). */
export const promoCodeField = { type: 'string', minLength: 1, maxLength: 50 };

export function findPromoCode(code: string, transaction?: Transaction) {
  const { PromoCode, PromoType } = db.models;
  return PromoCode.findOne({ where: { code: code.trim() }, include: [{ model: PromoType, as: 'type' }], transaction });
}

// Type lists rather than `anyOf` with null: Ajv's coercion would turn 0 or false into null there.
const nullableMoney = (description: string) => {
  const money = moneySchema(description);
  return { ...money, anyOf: [...money.anyOf, { type: 'null' }] };
};
const nullableDate = { type: ['string', 'null'], format: 'date-time' };
// Customers hold `orders.view` for their own orders: it does not open everyone's codes.
const read = staff('orders.view');
const write = staff('orders.update');
const access = { list: read, show: read, create: write, update: write, delete: write };

export const validatePromoCode = route<{}, {}, { code: string; amount?: string | number }>({
  method: 'POST', path: '/promo-codes/validate', summary: 'Whether a code applies (to `amount` HT when given) and what it takes off', access: 'public',
  body: { type: 'object', required: ['code'], properties: { code: promoCodeField, amount: moneySchema('the basket subtotal excluding VAT') } },
  handler: async ({ body, caller }) => {
    const code = await findPromoCode(body.code);
    if (!code) return { valid: false, discount: '0.00', message: 'This promo code does not exist.' };
    const terms = termsOf(code);
    const amount = body.amount === undefined ? undefined : toCents(body.amount);
    const reason = refusal(terms, { now: new Date(), subtotal: amount, hasOrdered: caller ? await hasOrdered(caller.id) : false });
    if (reason) return { valid: false, discount: '0.00', message: reason };
    const discount = amount === undefined && terms.kind === 'fixed_amount' ? terms.value : nominalDiscount(terms, amount ?? 0, SHIPPING_COST);
    return { valid: true, discount: formatCents(discount), message: 'The promo code is valid.', promo_code: promoSummary(code) };
  },
});

export const promoCodeRoutes = crudRoutes<PromoCode>({
  model: PromoCode, noun: 'promo code', path: '/admin/promo-codes', access,
  fields: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    code: { type: 'string', minLength: 2, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' },
    type_id: { type: 'integer', minimum: 1, maximum: 4_294_967_295 },
    discount: moneySchema('a percentage for percentage types, an amount HT in euros for fixed amounts'),
    min_amount: nullableMoney('minimum basket subtotal excluding VAT'),
    starts_at: nullableDate,
    expires_at: nullableDate,
    max_uses: { type: ['integer', 'null'], minimum: 1, maximum: 4_294_967_295 },
    is_active: { type: 'boolean' },
  },
  required: ['name', 'code', 'type_id', 'discount'],
  unique: ['code'],
  sortable: ['id', 'code', 'name', 'created_at', 'expires_at', 'uses'],
  searchable: ['code', 'name'],
  filters: { type_id: { type: 'integer', minimum: 1 }, is_active: { type: 'boolean' } },
  include: [{ model: PromoType, as: 'type' }],
  async validate(values, _existing, transaction) {
    const type = await db.models.PromoType.findByPk(Number(values.type_id), { transaction });
    if (!type) throw fieldError('type_id', 'The selected type does not exist.');
    if (isPercentage(type.kind) && toCents(values.discount as string) > 10_000) throw fieldError('discount', 'A percentage may not be greater than 100.');
    const [starts, expires] = [values.starts_at, values.expires_at].map((d) => (d ? new Date(d as string) : null));
    if (starts && expires && expires <= starts) throw fieldError('expires_at', 'The expiry must be after the start.');
  },
});

export const promoTypeRoutes = crudRoutes<PromoType>({
  model: PromoType, noun: 'promo type', path: '/admin/types', access,
  fields: {
    name: { type: 'string', minLength: 1, maxLength: 125 },
    kind: { type: 'string', enum: [...PROMO_KINDS] satisfies PromoKind[], description: 'how codes of this type compute their discount' },
    symbol: optionalText(16),
    description: optionalText(255),
  },
  required: ['name', 'kind'],
  unique: ['name'],
  sortable: ['id', 'name', 'created_at'],
  searchable: ['name'],
});
