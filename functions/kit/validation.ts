import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { invalid } from './errors';

export type JsonSchema = Record<string, unknown>;

/**
 * Unknown fields are stripped, never stored and never an error (SPEC: Laravel clients send
 * extra fields). Values are coerced the way Laravel's rules accept them ("2" is an integer).
 */
const ajv = new Ajv({ allErrors: true, removeAdditional: 'all', coerceTypes: 'array', useDefaults: true, strict: false });
addFormats(ajv);

export function compile(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

/** A validator compiled at its first use: module-level schemas then cost a cold start nothing. */
export function compileOnUse(schema: JsonSchema): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const check = ((data: unknown) => {
    compiled ??= compile(schema);
    const valid = compiled(data);
    check.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return check;
}

const wantsBoolean = (schema: JsonSchema) => [schema.type].flat().includes('boolean');

/**
 * A query's validator. Laravel clients send booleans as `1` and `0` (`?is_active=1`), which Ajv
 * does not read as booleans from a string: they become true and false where a boolean is wanted.
 * Compiled at its first use, as `compileOnUse`.
 */
export function compileQuery(schema: JsonSchema): ValidateFunction {
  const check = compileOnUse(schema);
  const booleans = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).filter(([, property]) => wantsBoolean(property)).map(([name]) => name);
  if (!booleans.length) return check;
  const withBooleans = ((query: Record<string, unknown>) => {
    for (const name of booleans) if (query[name] === '1' || query[name] === '0') query[name] = query[name] === '1';
    const valid = check(query);
    withBooleans.errors = check.errors;
    return valid;
  }) as ValidateFunction;
  return withBooleans;
}

/**
 * For a document inside a body whose every key changes its meaning (a saved search, a rule set):
 * an unknown key is an error there (a misspelt filter must not silently match everything).
 */
const strictAjv = new Ajv({ allErrors: true, strict: false });
addFormats(strictAjv);

export function compileStrict(schema: JsonSchema): ValidateFunction {
  return strictAjv.compile(schema);
}

/** Validates (and strips and coerces in place); a failure throws 422 with one list per field. */
export function validate<T>(check: ValidateFunction, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (check(value)) return value as T;
  throw invalid(fieldErrors(check.errors ?? [], where));
}

export function fieldErrors(errors: ErrorObject[], where: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const error of errors) {
    const field = fieldName(error) || where;
    const message = describe(error, field);
    (result[field] ??= []).includes(message) || result[field].push(message);
  }
  return result;
}

function fieldName(error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean).map(decodePointer);
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  return path.join('.');
}

const decodePointer = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');

function describe(error: ErrorObject, field: string): string {
  const label = field.replace(/_/g, ' ');
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': return `The ${label} field is required.`;
    case 'type': return `The ${label} must be ${article(String(p.type))}.`;
    case 'format': return `The ${label} must be a valid ${String(p.format).replace(/-/g, ' ')}.`;
    case 'minLength': return p.limit === 1 ? `The ${label} field is required.` : `The ${label} must be at least ${p.limit} characters.`;
    case 'maxLength': return `The ${label} may not be greater than ${p.limit} characters.`;
    case 'minimum': return `The ${label} must be at least ${p.limit}.`;
    case 'maximum': return `The ${label} may not be greater than ${p.limit}.`;
    case 'exclusiveMinimum': return `The ${label} must be greater than ${p.limit}.`;
    case 'enum': return `The selected ${label} is invalid (allowed: ${(p.allowedValues as unknown[]).join(', ')}).`;
    case 'pattern': return `The ${label} format is invalid.`;
    case 'additionalProperties': return `The ${label} field is not allowed here.`;
    case 'minItems': return `The ${label} must have at least ${p.limit} items.`;
    case 'maxItems': return `The ${label} may not have more than ${p.limit} items.`;
    default: return `The ${label} ${error.message ?? 'is invalid'}.`;
  }
}

const article = (type: string) => (type === 'integer' || type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`);

/** A required text field: not blank. */
export const requiredText = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });
/** An optional text field: a string (possibly empty) or null. */
export const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength });

/** The params of a route on one row: `/:id`, a positive integer. */
export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };
