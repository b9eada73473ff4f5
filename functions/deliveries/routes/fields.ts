/** JSON Schemas shared by the deliveries routes. */
/** A required text: not blank. */
export const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });
export const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength });
