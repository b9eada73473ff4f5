/** An error the client caused or must know about; anything else is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message = 'Malformed request') => new HttpError(400, message);
export const unauthorized = (message = 'Unauthenticated.') => new HttpError(401, message);
export const forbidden = (message = 'This action is unauthorized.') => new HttpError(403, message);
export const notFound = (message = 'Not found.') => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
export const tooLarge = (message = 'Request body too large.') => new HttpError(413, message);
export const unavailable = (message: string, retryAfterSeconds?: number) =>
  new HttpError(503, message, undefined, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : undefined);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests.') =>
  new HttpError(429, message, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** 422 with Laravel's shape: one list of messages per offending field. */
export function invalid(errors: Record<string, string[]>, message?: string): HttpError {
  const fields = Object.keys(errors);
  const first = fields.length ? errors[fields[0]][0] : 'The given data was invalid.';
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more error${fields.length > 2 ? 's' : ''})` : '';
  return new HttpError(422, message ?? `${first}${more}`, errors);
}

export const fieldError = (field: string, message: string) => invalid({ [field]: [message] });

/** The body every error status answers with. */
export function errorBody(error: HttpError, requestId: string) {
  return error.errors
    ? { message: error.message, errors: error.errors, request_id: requestId }
    : { message: error.message, request_id: requestId };
}
