/** Building blocks of the contracts' JSON Schemas. Money is a decimal string with two decimals ("19.90"). */
export const money = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' };
export const nullableMoney = { type: ['string', 'null'], pattern: '^-?\\d+\\.\\d{2}$' };
export const id = { type: 'integer', minimum: 1 };
export const nullableId = { type: ['integer', 'null'], minimum: 1 };
export const text = { type: 'string' };
export const nullableText = { type: ['string', 'null'] };
export const timestamp = { type: 'string', format: 'date-time' };
export const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' };
export const oneOf = (...values: string[]) => ({ type: 'string', enum: values });
export const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', required, properties });
export const list = (items: unknown) => ({ type: 'array', items });
