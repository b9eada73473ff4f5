import { log, PermanentEventError, type ReceivedEvent, type Subscription } from '../kit';
import { contractData } from '../contracts';
import { websiteShippingSubscription } from '../contracts/website-shipping';
import { EVENTS, type OrderCancelled, type OrderConfirmed } from '../contracts/commerce';
import { CancelledOrder, Delivery, Status } from './database';
import { createDelivery } from './deliveries';
import { CANCELLABLE_BY_ORDER, changeStatus, type DeliveryStatus } from './lifecycle';

const orderConfirmed = contractData<OrderConfirmed>(EVENTS.orderConfirmed);
const orderCancelled = contractData<OrderCancelled>(EVENTS.orderCancelled);

async function onOrderConfirmed(event: ReceivedEvent, transaction: Parameters<Subscription['handler']>[1]) {
  const order = orderConfirmed(event);
  const address = order.shipping_address;
  if (!/^[A-Za-z]{2}$/.test(address.country_code)) throw new PermanentEventError(`country code "${address.country_code}" is not ISO 3166-1 alpha-2`);
  // The inbox drops a redelivered event; this drops another event about the same order.
  if (await Delivery.findOne({ where: { order_id: order.id }, paranoid: false, transaction, attributes: ['id'] })) return;
  if (await CancelledOrder.findByPk(order.id, { transaction })) {
    log.info({ order_id: order.id }, 'order confirmed after its cancellation arrived: no delivery');
    return;
  }
  await createDelivery({
    order_id: order.id, order_number: order.order_number, user_id: order.user_id, email: order.customer_email,
    address_id: address.id, first_name: address.first_name, last_name: address.last_name, company: address.company,
    address_line_1: address.address_line_1, address_line_2: address.address_line_2, city: address.city, postal_code: address.postal_code,
    region: address.region, country_code: address.country_code.toUpperCase(), country: address.country, phone: address.phone,
  }, transaction);
}

async function onOrderCancelled(event: ReceivedEvent, transaction: Parameters<Subscription['handler']>[1]) {
  const order = orderCancelled(event);
  const delivery = await Delivery.findOne({ where: { order_id: order.id }, include: [{ model: Status, as: 'status_info' }], transaction });
  if (!delivery) {
    // Its order.confirmed may still be on the way (another queue): remember, so it creates nothing.
    await CancelledOrder.bulkCreate([{ order_id: order.id, reason: order.reason.slice(0, 255) }], { ignoreDuplicates: true, transaction });
    return;
  }
  const current = delivery.status_info!.name as DeliveryStatus;
  if (!CANCELLABLE_BY_ORDER.includes(current)) {
    log.warn({ order_id: order.id, delivery_id: delivery.id, status: current }, 'order cancelled after its parcel left: delivery unchanged');
    return;
  }
  await changeStatus(delivery.id, { to: 'cancelled', note: `Order cancelled: ${order.reason}`, allowedFrom: CANCELLABLE_BY_ORDER }, transaction);
}

export const deliverySubscriptions: Subscription[] = [
  { type: EVENTS.orderConfirmed, description: "Creates the order's delivery (once), pending, with the shipping address.", handler: onOrderConfirmed },
  { type: EVENTS.orderCancelled, description: 'Cancels the delivery of a cancelled order when its parcel has not left.', handler: onOrderCancelled },
  websiteShippingSubscription("Keeps the default site's shipping cost per method for new deliveries' shipping_cost."),
];
