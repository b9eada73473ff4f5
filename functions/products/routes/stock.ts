import { conflict, fieldError, route } from '../../kit';
import { db } from '../database';
import { emitStockLevels } from '../events';
import { run } from '../sql';
import { lockProduct } from '../rules';
import { idParams, MAX_STOCK, stockField } from './common';
import { productOr404 } from './catalogue';

interface StockBody {
  quantity: number;
  operation: 'set' | 'increment' | 'decrement';
}

export const stockRoutes = [
  route<{ id: number }, {}, StockBody>({
    method: 'POST', path: '/admin/products/:id/stock', summary: 'Set, increase or decrease the stock (never below what orders reserved: 409)',
    access: { permission: 'products.update' }, params: idParams,
    body: {
      type: 'object', required: ['quantity'],
      properties: { quantity: stockField, operation: { type: 'string', enum: ['set', 'increment', 'decrement'], default: 'set' } },
    },
    handler: async ({ params, body }) => {
      await db.sequelize.transaction(async (transaction) => {
        const product = await lockProduct(params.id, transaction);
        const stock = body.operation === 'set' ? body.quantity : body.operation === 'increment' ? product.stock + body.quantity : product.stock - body.quantity;
        if (stock > MAX_STOCK) throw fieldError('quantity', `The stock may not be greater than ${MAX_STOCK}.`);
        if (stock < product.reserved) throw conflict(`The stock cannot go below the ${product.reserved} units reserved by orders (it would be ${stock}).`);
        if (stock === product.stock) return;
        await run('UPDATE products SET stock = ?, updated_at = NOW() WHERE id = ?', [stock, params.id], transaction);
        await emitStockLevels(transaction, [params.id]);
      });
      return productOr404(params.id, 'admin');
    },
  }),
];
