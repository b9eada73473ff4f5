/** JSON Schemas shared by the sav routes. */
import { optionalText, requiredText } from '../../kit';
import { TICKET_PRIORITIES } from '../database';

export const SUBJECT = requiredText(255);
export const DESCRIPTION = requiredText(10_000);
export const MESSAGE = requiredText(10_000);
export const PRIORITY = { type: 'string', enum: TICKET_PRIORITIES };
export const CATEGORY = optionalText(100);

/** Texts as stored: trimmed; an empty optional one is null. */
export const clean = (value: string | null | undefined) => (typeof value === 'string' ? value.trim() || null : value ?? null);

/** A row id as stored (INT UNSIGNED): a larger one would be a database error, not a 4xx. */
export const ID = { type: 'integer', minimum: 1, maximum: 4_294_967_295 };
export const NULLABLE_ID = { ...ID, type: ['integer', 'null'] };

/** `message` is another name for `description` (the older contact forms send it). */
export const descriptionOf = (body: { description?: string; message?: string }) => clean(body.description) ?? clean(body.message);

/** The params of a route on one row whose id is named `name` (`/messages/:mid`). */
export const idParam = (name: string) => ({ type: 'object', required: [name], properties: { [name]: { type: 'integer', minimum: 1 } } });
