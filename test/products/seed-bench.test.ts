import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { seedBenchProducts } from '../../functions/products/seed-bench';
import type { Call } from '../helpers/http';
import { startProducts } from './fixture';

/** The benchmark's catalogue: bulk-inserted products, each with a brand, a category and a type. */
const it = suite('products: benchmark seed');
let call: Call;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, close } = await startProducts());
});
it.after(() => close());

it('seedBenchProducts(n) inserts n active products the filters find', async () => {
  const result = await seedBenchProducts(1500);
  assert.is(result.inserted, 1500);
  const all = await call('GET', '/products?search=Bench%20product&per_page=100');
  assert.is(all.body.total, 1500);
  const product = all.body.data[0];
  assert.ok(product.brand && product.categories.length === 1 && product.vat_rate);
  const shown = (await call('GET', `/products/${product.id}`)).body;
  assert.is(shown.types.length, 1);
  const top = (await call('GET', '/categories?search=Bench%20category%201')).body.data[0];
  const inTop = await call('GET', `/products?category_id=${top.id}&search=Bench%20product`);
  assert.ok(inTop.body.total > 0 && inTop.body.total < 1500, 'a top category holds its own products and its sub-category\'s');
  assert.ok((await call('GET', '/products?in_stock=0&search=Bench%20product')).body.total > 0, 'some are out of stock');
});

it.run();
