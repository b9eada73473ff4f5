import type { Transaction } from 'sequelize';
import { conflict, emit, invalid, notFound } from '../kit';
import { EVENTS, type DeliveryStatusChanged } from '../contracts/commerce';
import { Delivery, DeliveryEvent, Status } from './database';

/** The seeded statuses: colour and description. */
export const STATUS_DESCRIPTIONS = {
  pending: ['#9E9E9E', 'Commande reçue, colis en attente de préparation.'],
  processing: ['#2196F3', 'Colis en cours de préparation.'],
  ready_for_pickup: ['#00BCD4', 'Colis disponible au point de retrait.'],
  picked_up: ['#4CAF50', 'Colis retiré au point de retrait.'],
  in_transit: ['#3F51B5', 'Colis en cours d’acheminement.'],
  out_for_delivery: ['#FF9800', 'Colis en cours de livraison.'],
  delivered: ['#2E7D32', 'Colis livré.'],
  delivery_failed: ['#F44336', 'Échec de la livraison.'],
  returned: ['#795548', 'Colis retourné à l’expéditeur.'],
  cancelled: ['#607D8B', 'Livraison annulée.'],
} as const satisfies Record<string, readonly [string, string]>;

export type DeliveryStatus = keyof typeof STATUS_DESCRIPTIONS;
export const LIFECYCLE_STATUSES = Object.keys(STATUS_DESCRIPTIONS) as DeliveryStatus[];

/** SPEC's delivery lifecycle: any other move is a 409. */
export const TRANSITIONS: Record<DeliveryStatus, DeliveryStatus[]> = {
  pending: ['processing', 'cancelled'],
  processing: ['in_transit', 'ready_for_pickup', 'cancelled'],
  ready_for_pickup: ['picked_up', 'returned'],
  in_transit: ['out_for_delivery', 'delivered', 'delivery_failed'],
  out_for_delivery: ['delivered', 'delivery_failed'],
  delivery_failed: ['out_for_delivery', 'returned'],
  picked_up: [],
  delivered: [],
  returned: [],
  cancelled: [],
};

/** Not yet shipped: cancelling the order cancels these (a parcel waiting at a relay is not gone yet). */
export const CANCELLABLE_BY_ORDER: DeliveryStatus[] = ['pending', 'processing', 'ready_for_pickup'];

export async function statusNamed(name: string, transaction?: Transaction): Promise<Status> {
  const status = await Status.findOne({ where: { name }, transaction });
  if (!status) throw invalid({ status: [`The status "${name}" does not exist.`] });
  return status;
}

export interface StatusChange {
  to: DeliveryStatus;
  location?: string | null;
  note?: string | null;
  changedBy?: number | null;
  /** The statuses it may leave for `to`; the lifecycle's by default. */
  allowedFrom?: DeliveryStatus[];
}

/**
 * Moves a delivery (locked in `transaction`) to another status: checks the move, records it in
 * the history, and emits status-changed with the delivery's next sequence number.
 */
export async function changeStatus(deliveryId: number, change: StatusChange, transaction: Transaction): Promise<Delivery> {
  const delivery = await Delivery.findByPk(deliveryId, { transaction, lock: transaction.LOCK.UPDATE });
  if (!delivery) throw notFound('Delivery not found.');
  const from = (await Status.findByPk(delivery.status_id, { transaction, rejectOnEmpty: true })).name as DeliveryStatus;
  const legal = change.allowedFrom ? change.allowedFrom.includes(from) : (TRANSITIONS[from] ?? []).includes(change.to);
  if (!legal) throw conflict(`A delivery cannot go from ${from} to ${change.to}.`);
  const to = await statusNamed(change.to, transaction);
  const now = new Date();
  const sequence = delivery.status_sequence + 1;
  await delivery.update({
    status_id: to.id,
    status_sequence: sequence,
    ...((change.to === 'in_transit' || change.to === 'picked_up') && !delivery.shipped_at ? { shipped_at: now } : {}),
    ...(change.to === 'delivered' || change.to === 'picked_up' ? { actual_delivery_date: now } : {}),
  }, { transaction });
  await DeliveryEvent.create({ delivery_id: delivery.id, status_id: to.id, location: change.location ?? null, note: change.note ?? null, changed_by: change.changedBy ?? null, created_at: now }, { transaction });
  const data: DeliveryStatusChanged = {
    id: delivery.id, order_id: delivery.order_id, tracking_number: delivery.tracking_number, from, to: change.to,
    location: change.location ?? null, at: now.toISOString(), sequence,
  };
  await emit(transaction, EVENTS.deliveryStatusChanged, delivery.id, data);
  return delivery;
}
