/**
 * CPU of reading one basket with its lines and codes: Sequelize's nested includes against the three
 * prepared statements of `loadBaskets` (issue 4). Reads a basket the tests left in `test_baskets`:
 * run `npm test` first, then `npx tsx bench/basket-load.ts`.
 */
import '../test/helpers/env';
import { QueryTypes } from 'sequelize';
import { db } from '../functions/baskets/database';
import { loadBaskets } from '../functions/baskets/basket';
async function main() {
  const { Basket, BasketItem, ProductCopy, PromoCode, PromoType } = db.models;
  const [row] = (await db.sequelize.query("SELECT b.id FROM baskets b JOIN basket_items i ON i.basket_id=b.id JOIN basket_promo_codes c ON c.basket_id=b.id LIMIT 1", { type: QueryTypes.SELECT })) as Array<{ id: number }>;
  if (!row) throw new Error('no basket with lines and a promo code in test_baskets: run npm test first');
  const id = row.id;
  const old = () => Basket.findAll({ where: { id }, include: [
      { model: BasketItem, as: 'items', include: [{ model: ProductCopy, as: 'product' }] },
      { model: PromoCode, as: 'promo_codes', through: { attributes: ['claimed_at'] }, include: [{ model: PromoType, as: 'type' }] },
    ], order: [['id', 'ASC'], [{ model: BasketItem, as: 'items' }, 'id', 'ASC'], [{ model: PromoCode, as: 'promo_codes' }, 'id', 'ASC']] });
  const fresh = () => loadBaskets(id);
  for (const [name, fn] of [['sequelize include', old], ['3 prepared statements', fresh], ['sequelize include', old], ['3 prepared statements', fresh]] as const) {
    for (let i = 0; i < 200; i++) await fn();
    const cpu = process.cpuUsage(); const t = performance.now();
    for (let i = 0; i < 2000; i++) await fn();
    const used = process.cpuUsage(cpu);
    console.log(name, ((used.user + used.system) / 2000).toFixed(0), 'µs CPU per load,', ((performance.now() - t) / 2000 * 1000).toFixed(0), 'µs wall');
  }
  process.exit(0);
}
main();
