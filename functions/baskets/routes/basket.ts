import type { Transaction } from 'sequelize';
import { conflict, invalid, notFound, route } from '../../kit';
import { db, type Basket, type ProductCopy } from '../database';
import { activeBasketOf, basketJson, changeBasket, hasOrdered, liveFigures, loadBaskets, termsOf } from '../basket';
import { refusal } from '../promo-rules';
import { findPromoCode, promoCodeField } from './promo-codes';
import { claimUses, releaseClaims } from '../claims';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 4_294_967_295 } } };
const quantity = { type: 'integer', minimum: 1, maximum: 10_000 };
const owner = 'auth' as const;
const basketAnswer = { status: 200, description: '`{ message, data: <the whole basket> }`' };

/** The product as the read model knows it, or 422 when it cannot be sold. */
async function sellable(productId: number, transaction: Transaction): Promise<ProductCopy> {
  const product = await db.models.ProductCopy.findByPk(productId, { transaction });
  if (!product || product.snapshot_at === null || product.deleted_at) throw invalid({ product_id: ['The selected product does not exist.'] });
  if (!product.is_active) throw invalid({ product_id: ['The selected product is not available.'] });
  return product;
}

function ensureStock(product: ProductCopy, wanted: number) {
  if (wanted > product.available) {
    throw conflict(product.available > 0 ? `Only ${product.available} of "${product.name}" left in stock.` : `"${product.name}" is out of stock.`);
  }
}

const copyOf = (product: ProductCopy) => ({ product_name: product.name, product_ref: product.ref, unit_price_ht: product.price_ht, vat_rate: product.vat_rate });

/** A line of the caller's active basket; another user's line is a 404 like a missing one. */
async function lineOf(basket: Basket, id: number, transaction: Transaction) {
  const item = await db.models.BasketItem.findOne({ where: { id, basket_id: basket.id }, transaction });
  if (!item) throw notFound('This item is not in your basket.');
  return item;
}

export const basketRoutes = [
  route({
    method: 'GET', path: '/baskets/current', summary: "The caller's active basket (created empty if none), with its totals", access: owner,
    handler: async ({ user }) => basketJson((await activeBasketOf(user.id)).id),
  }),
  route({
    method: 'POST', path: '/baskets/checkout',
    summary: "The caller's basket as an order takes it (orders calls this): one use of each applied promo code is claimed; a code whose last use went to another order is a 422",
    access: owner, response: { status: 200, description: 'the basket, as GET /baskets/current answers it' },
    handler: async ({ user }) => (await changeBasket(user.id, 'Basket ready for the order.', claimUses)).data,
  }),
  route<{}, {}, { product_id: number; quantity: number }>({
    method: 'POST', path: '/baskets/items', summary: 'Add a product (quantities of the same product add up)', access: owner, response: basketAnswer,
    body: { type: 'object', required: ['product_id', 'quantity'], properties: { product_id: idParam.properties.id, quantity } },
    handler: ({ user, body }) =>
      changeBasket(user.id, 'Product added to the basket.', async (basket, transaction) => {
        const product = await sellable(body.product_id, transaction);
        const { BasketItem } = db.models;
        const item = await BasketItem.findOne({ where: { basket_id: basket.id, product_id: product.id }, transaction });
        const total = (item?.quantity ?? 0) + body.quantity;
        ensureStock(product, total);
        if (item) await item.update({ quantity: total, ...copyOf(product) }, { transaction });
        else await BasketItem.create({ basket_id: basket.id, product_id: product.id, quantity: total, ...copyOf(product) }, { transaction });
      }),
  }),
  route<{ id: number }, {}, { quantity: number }>({
    method: 'PUT', path: '/baskets/items/:id', summary: "Change a line's quantity", access: owner, params: idParam, response: basketAnswer,
    body: { type: 'object', required: ['quantity'], properties: { quantity } },
    handler: ({ user, params, body }) =>
      changeBasket(user.id, 'Quantity updated.', async (basket, transaction) => {
        const item = await lineOf(basket, params.id, transaction);
        const product = await sellable(item.product_id, transaction);
        ensureStock(product, body.quantity);
        await item.update({ quantity: body.quantity, ...copyOf(product) }, { transaction });
      }),
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/baskets/items/:id', summary: 'Remove a line', access: owner, params: idParam, response: basketAnswer,
    handler: ({ user, params }) =>
      changeBasket(user.id, 'Product removed from the basket.', async (basket, transaction) => {
        await (await lineOf(basket, params.id, transaction)).destroy({ transaction });
      }),
  }),
  route({
    method: 'DELETE', path: '/baskets/clear', summary: 'Empty the basket (lines and promo codes)', access: owner, response: basketAnswer,
    handler: ({ user }) =>
      changeBasket(user.id, 'Basket cleared.', async (basket, transaction) => {
        await db.models.BasketItem.destroy({ where: { basket_id: basket.id }, transaction });
        await releaseClaims(basket.id, transaction);
        await db.models.BasketPromoCode.destroy({ where: { basket_id: basket.id }, transaction });
      }),
  }),
  route<{}, {}, { code: string }>({
    method: 'POST', path: '/baskets/promo-codes', summary: 'Apply a promo code (one per promo type)', access: owner, response: basketAnswer,
    body: { type: 'object', required: ['code'], properties: { code: promoCodeField } },
    handler: ({ user, body }) =>
      changeBasket(user.id, 'Promo code applied.', async (basket, transaction) => {
        const code = await findPromoCode(body.code, transaction);
        if (!code) throw invalid({ code: ['This promo code does not exist.'] });
        const [loaded] = await loadBaskets(basket.id, transaction);
        const applied = loaded.promo_codes ?? [];
        if (applied.some((c) => c.id === code.id)) return 'This promo code is already applied.';
        if (applied.some((c) => c.type_id === code.type_id)) throw invalid({ code: [`A promo code of the type "${code.type!.name}" is already applied to the basket.`] });
        const { totals } = await liveFigures(loaded, transaction);
        const reason = refusal(termsOf(code), { now: new Date(), subtotal: totals.subtotalHt, hasOrdered: await hasOrdered(user.id, basket.id, transaction) });
        if (reason) throw invalid({ code: [reason] });
        await db.models.BasketPromoCode.create({ basket_id: basket.id, promo_code_id: code.id }, { transaction });
      }),
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/baskets/promo-codes/:id', summary: 'Remove a promo code (by its id) from the basket', access: owner, params: idParam, response: basketAnswer,
    handler: ({ user, params }) =>
      changeBasket(user.id, 'Promo code removed.', async (basket, transaction) => {
        await releaseClaims(basket.id, transaction, [params.id]);
        const removed = await db.models.BasketPromoCode.destroy({ where: { basket_id: basket.id, promo_code_id: params.id }, transaction });
        if (!removed) throw notFound('This promo code is not applied to your basket.');
      }),
  }),
];
