/** The order lifecycle (SPEC.md, orders): which status may follow which. Pure: no database, no I/O. */

export const ORDER_STATUSES = ['pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned'] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

const TRANSITIONS: Record<OrderStatusName, readonly OrderStatusName[]> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  // A parcel can come back without being delivered (refused, never picked up): the delivery says `returned`.
  shipped: ['delivered', 'returned'],
  delivered: ['returned'],
  returned: ['refunded'],
  cancelled: [],
  refunded: [],
};

export const isLifecycleStatus = (name: string): name is OrderStatusName => (ORDER_STATUSES as readonly string[]).includes(name);

export function canMove(from: string, to: string): boolean {
  return isLifecycleStatus(from) && isLifecycleStatus(to) && TRANSITIONS[from].includes(to);
}

/**
 * Whether staff may make this move by hand. Confirmation is left to `stock.reserved`: an order
 * confirmed without its stock reserved could be shipped without stock (overselling).
 */
export function canMoveByHand(from: string, to: string): boolean {
  return canMove(from, to) && !(from === 'pending' && to === 'confirmed');
}

/** Whether its customer may still cancel an order in this status. */
export const isCancellable = (status: string) => canMove(status, 'cancelled');

/** No status can follow: the order is over (and may be deleted). */
export const isClosed = (status: string) => isLifecycleStatus(status) && TRANSITIONS[status].length === 0;

/**
 * The statuses an order goes through to reach `to` going forward (shortest way, `to` last, the
 * current status not included): `confirmed` → `delivered` is processing, shipped, delivered.
 * Undefined when `to` is not ahead (the current status, behind it, or on another branch).
 */
export function forwardPath(from: string, to: string): OrderStatusName[] | undefined {
  if (!isLifecycleStatus(from) || !isLifecycleStatus(to) || from === to) return undefined;
  const cameFrom = new Map<OrderStatusName, OrderStatusName>();
  const queue: OrderStatusName[] = [from];
  while (queue.length) {
    const status = queue.shift()!;
    for (const next of TRANSITIONS[status]) {
      if (next === 'cancelled' || cameFrom.has(next)) continue;
      cameFrom.set(next, status);
      if (next === to) {
        const path: OrderStatusName[] = [to];
        for (let step = status; step !== from; step = cameFrom.get(step)!) path.unshift(step);
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * The order status a delivery status implies. SPEC maps processing, in_transit / picked_up,
 * delivered and returned; the statuses between them imply what came before them (a parcel out for
 * delivery has shipped), so that an event overtaken by a later one loses nothing.
 */
const IMPLIED_BY_DELIVERY: Record<string, OrderStatusName> = {
  processing: 'processing',
  ready_for_pickup: 'processing',
  in_transit: 'shipped',
  picked_up: 'shipped',
  out_for_delivery: 'shipped',
  delivery_failed: 'shipped',
  delivered: 'delivered',
  returned: 'returned',
};

/** Undefined for delivery statuses that say nothing about the order (pending, cancelled). */
export const orderStatusForDelivery = (deliveryStatus: string): OrderStatusName | undefined => IMPLIED_BY_DELIVERY[deliveryStatus];

export type DeliveryEffect =
  | { kind: 'move'; path: OrderStatusName[] }
  | { kind: 'none' }
  | { kind: 'ignored'; reason: string };

/**
 * What a delivery's new status does to its order: move it forward (through the statuses between
 * when needed), nothing, or nothing because it would take the order back or off its lifecycle.
 */
export function deliveryEffect(orderStatus: string, deliveryStatus: string): DeliveryEffect {
  const target = orderStatusForDelivery(deliveryStatus);
  if (!target || target === orderStatus) return { kind: 'none' };
  // Only reserved stock confirms an order; a delivery exists only for a confirmed one.
  if (orderStatus === 'pending') return { kind: 'ignored', reason: `the order is not confirmed yet (delivery ${deliveryStatus})` };
  const path = forwardPath(orderStatus, target);
  if (path) return { kind: 'move', path };
  return { kind: 'ignored', reason: `the order is ${orderStatus}: ${target} (delivery ${deliveryStatus}) is not ahead of it` };
}
