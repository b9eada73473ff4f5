import { notFound, route } from '../../kit';
import { Delivery } from '../database';
import { deliveryInclude, trackingJson } from '../deliveries';
import { normalizeTrackingNumber } from '../tracking-number';

const params = { type: 'object', required: ['tracking'], properties: { tracking: { type: 'string', minLength: 1, maxLength: 64 } } };

/** The public tracking page: `/deliveries/track/{n}`, and `/track/{n}` that older clients call. */
export const trackingRoutes = ['/deliveries/track/:tracking', '/track/:tracking'].map((path) =>
  route<{ tracking: string }>({
    method: 'GET', path, summary: 'Where a parcel is: status and history (no personal data beyond the city)', access: 'public', params,
    handler: async ({ params: { tracking } }) => {
      const delivery = await Delivery.findOne({ where: { tracking_number: normalizeTrackingNumber(tracking) }, include: deliveryInclude() });
      if (!delivery) throw notFound('No delivery has this tracking number.');
      return trackingJson(delivery);
    },
  }),
);
