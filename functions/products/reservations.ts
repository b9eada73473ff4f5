import type { Transaction } from 'sequelize';
import { emit, PermanentEventError, type Subscription } from '../kit';
import { contractData } from '../contracts';
import { EVENTS, type OrderCancelled, type OrderCreated, type OrderLine, type StockRejected } from '../contracts/commerce';
import { emitStockLevels } from './events';
import { change, placeholders, run, select } from './sql';

/**
 * Stock is reserved by the orders' events, never by a client. Each handler runs in the inbox's
 * transaction (applied once per event id) and starts by locking the order's row in
 * `stock_orders`, which serializes every event of one order whatever their arrival order;
 * products are then locked in id order, so concurrent orders never deadlock on them.
 */
type OrderStatus = 'new' | 'reserved' | 'rejected' | 'released' | 'committed';

async function lockOrder(orderId: number, transaction: Transaction): Promise<OrderStatus> {
  // On a duplicate this takes the row's exclusive lock at once (INSERT IGNORE's shared lock would have to be upgraded: a deadlock between two events of one order).
  await run("INSERT INTO stock_orders (order_id, status, created_at, updated_at) VALUES (?, 'new', NOW(), NOW()) ON DUPLICATE KEY UPDATE order_id = order_id", [orderId], transaction);
  const [row] = await select<{ status: OrderStatus }>('SELECT status FROM stock_orders WHERE order_id = ? FOR UPDATE', [orderId], transaction);
  return row.status;
}

const setOrderStatus = (orderId: number, status: OrderStatus, transaction: Transaction) =>
  run('UPDATE stock_orders SET status = ?, updated_at = NOW() WHERE order_id = ?', [status, orderId], transaction);

/** The order's lines, one per product (quantities of a repeated product summed), in product id order. */
function linesOf(order: OrderCreated): OrderLine[] {
  const quantities = new Map<number, number>();
  for (const item of order.items) quantities.set(item.product_id, (quantities.get(item.product_id) ?? 0) + item.quantity);
  return [...quantities].sort(([a], [b]) => a - b).map(([product_id, quantity]) => ({ product_id, quantity }));
}

/** Reserves every line of a new order, or none: `stock.reserved` or `stock.rejected`. */
async function reserveOrder(order: OrderCreated, transaction: Transaction): Promise<void> {
  // Anything but 'new': already answered, or cancelled before its creation arrived.
  if ((await lockOrder(order.id, transaction)) !== 'new') return;
  const lines = linesOf(order);
  const ids = lines.map((line) => line.product_id);
  const products = await select<{ id: number; stock: number; reserved: number; sellable: number }>(
    `SELECT id, stock, reserved, (is_active = 1 AND deleted_at IS NULL) AS sellable FROM products
     WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`,
    ids, transaction,
  );
  const byId = new Map(products.map((p) => [p.id, p]));
  const availableOf = (id: number) => {
    const product = byId.get(id);
    return product && Number(product.sellable) ? product.stock - product.reserved : 0;
  };
  const lacking: StockRejected['lines'] = lines
    .filter((line) => availableOf(line.product_id) < line.quantity)
    .map((line) => ({ product_id: line.product_id, requested: line.quantity, available: Math.max(0, availableOf(line.product_id)) }));
  if (lacking.length || !lines.length) {
    await setOrderStatus(order.id, 'rejected', transaction);
    const reason = lines.length ? 'insufficient stock' : 'the order has no items';
    await emit(transaction, EVENTS.stockRejected, order.id, { order_id: order.id, reason, lines: lacking } satisfies StockRejected);
    return;
  }
  for (const line of lines) {
    // The rows are locked, so this cannot miss; the condition is the last guard against overselling.
    const reserved = await change('UPDATE products SET reserved = reserved + ? WHERE id = ? AND stock - reserved >= ?', [line.quantity, line.product_id, line.quantity], transaction);
    if (reserved !== 1) throw new Error(`stock of product ${line.product_id} changed under its lock`);
    await run(
      "INSERT INTO stock_reservations (order_id, product_id, quantity, status, created_at, updated_at) VALUES (?, ?, ?, 'reserved', NOW(), NOW())",
      [order.id, line.product_id, line.quantity], transaction,
    );
  }
  await setOrderStatus(order.id, 'reserved', transaction);
  const levels = await emitStockLevels(transaction, ids);
  await emit(transaction, EVENTS.stockReserved, order.id, { order_id: order.id, lines, levels });
}

/**
 * Ends an order's reservations: released (cancelled: the units are available again) or committed
 * (shipped: they leave the stock). A reservation ends once; a cancellation that comes before the
 * order's creation marks the order released so that nothing is ever reserved for it.
 */
async function settleOrder(orderId: number, outcome: 'released' | 'committed', transaction: Transaction): Promise<void> {
  const status = await lockOrder(orderId, transaction);
  if (status === 'new' && outcome === 'released') await setOrderStatus(orderId, 'released', transaction);
  if (status !== 'reserved') return;
  const reservations = await select<{ id: number; product_id: number; quantity: number }>(
    "SELECT id, product_id, quantity FROM stock_reservations WHERE order_id = ? AND status = 'reserved' ORDER BY product_id", [orderId], transaction,
  );
  // Products first, in id order, as everywhere: updating a reservation checks its foreign key with a
  // shared lock on the product, which two transactions could not both upgrade afterwards.
  const ids = reservations.map((r) => r.product_id);
  await select(`SELECT id FROM products WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`, ids, transaction);
  const settled: number[] = [];
  for (const reservation of reservations) {
    if (!(await change('UPDATE stock_reservations SET status = ?, updated_at = NOW() WHERE id = ? AND status = \'reserved\'', [outcome, reservation.id], transaction))) continue;
    const stockTaken = outcome === 'committed' ? reservation.quantity : 0;
    await run('UPDATE products SET reserved = reserved - ?, stock = stock - ? WHERE id = ?', [reservation.quantity, stockTaken, reservation.product_id], transaction);
    settled.push(reservation.product_id);
  }
  await setOrderStatus(orderId, outcome, transaction);
  await emitStockLevels(transaction, settled);
}

const orderCreated = contractData<OrderCreated>(EVENTS.orderCreated);
const orderCancelled = contractData<OrderCancelled>(EVENTS.orderCancelled);
const orderShipped = contractData<{ id: number }>(EVENTS.orderShipped);

export const reservationSubscriptions: Subscription[] = [
  {
    type: EVENTS.orderCreated,
    description: "Reserves every line's stock in one transaction, or none; answers with stock.reserved or stock.rejected.",
    handler: (event, transaction) => reserveOrder(orderCreated(event), transaction),
    // Safe in parallel: each order's events are serialized by its stock_orders row, products are locked in id order.
    parallelism: 8,
  },
  {
    type: EVENTS.orderCancelled,
    description: "Releases the order's reservations.",
    handler: (event, transaction) => settleOrder(orderCancelled(event).id, 'released', transaction),
  },
  {
    type: EVENTS.orderShipped,
    description: "Commits the order's reservations: the units leave the stock.",
    handler: (event, transaction) => settleOrder(orderShipped(event).id, 'committed', transaction),
  },
];
