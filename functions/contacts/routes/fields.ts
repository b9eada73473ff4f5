import { CONTACT_SOURCES, CONTACT_STATUSES } from '../database';
import { CHANNELS } from '../engagement';

/** JSON Schemas shared by the contacts routes. */
export const email = { type: 'string', format: 'email', maxLength: 191 };
export const countryCode = { type: ['string', 'null'], pattern: '^[A-Za-z]{2}$' };
export const tagRefs = { type: 'array', maxItems: 50, items: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', minLength: 1, maxLength: 100 }] } };
export const contactStatus = { type: 'string', enum: CONTACT_STATUSES };
export const contactSource = { type: 'string', enum: CONTACT_SOURCES };
export const channel = { type: 'string', enum: CHANNELS };
export const channelOrAll = { type: 'string', enum: [...CHANNELS, 'all'] };

/** `contact_ids` of a bulk change: at most 1000 distinct ids per call. */
export const contactIds = { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } };
export const contactIdsBody = { type: 'object', required: ['contact_ids'], properties: { contact_ids: contactIds } };
