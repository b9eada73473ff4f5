import type { Transaction } from 'sequelize';
import { compileStrict, fieldErrors, invalid, moneySchema, placeholders } from '../kit';
import { CONTACT_SOURCES, CONTACT_STATUSES, sql, sqlTime, type ContactSource, type ContactStatus } from './database';

/**
 * What a dynamic list's members have in common; every field narrows (AND). Text fields take one
 * value or several (any of them).
 */
export interface Criteria {
  status?: ContactStatus | ContactStatus[];
  source?: ContactSource | ContactSource[];
  country?: string | string[];
  city?: string | string[];
  language?: string | string[];
  /** Tag ids or names: at least one of them / every one of them. */
  tags_any?: Array<number | string>;
  tags_all?: Array<number | string>;
  newsletter_subscribed?: boolean;
  marketing_subscribed?: boolean;
  sms_subscribed?: boolean;
  min_orders?: number;
  min_spent?: string | number;
  created_after?: string;
  created_before?: string;
}

const oneOrMany = (item: Record<string, unknown>) => ({ anyOf: [item, { type: 'array', minItems: 1, maxItems: 100, items: item }] });
const code = { type: 'string', pattern: '^[A-Za-z]{2}$' };
const tags = { type: 'array', minItems: 1, maxItems: 50, items: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', minLength: 1, maxLength: 100 }] } };
const moment = { anyOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] };

export const criteriaSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: oneOrMany({ type: 'string', enum: CONTACT_STATUSES }),
    source: oneOrMany({ type: 'string', enum: CONTACT_SOURCES }),
    country: oneOrMany(code),
    city: oneOrMany({ type: 'string', minLength: 1, maxLength: 255 }),
    language: oneOrMany(code),
    tags_any: tags,
    tags_all: tags,
    newsletter_subscribed: { type: 'boolean' },
    marketing_subscribed: { type: 'boolean' },
    sms_subscribed: { type: 'boolean' },
    min_orders: { type: 'integer', minimum: 0 },
    min_spent: moneySchema(),
    created_after: moment,
    created_before: moment,
  },
};

const checkCriteria = compileStrict(criteriaSchema);

/**
 * The older platform's criteria were a list of `{ field, operator, value }` conditions, run as
 * given (any column, any operator). The ones that mean one of the criteria above are translated;
 * any other is a 422 naming it, never run.
 */
interface LegacyCondition { field?: unknown; operator?: unknown; value?: unknown; logic?: unknown }
const LEGACY: Record<string, Record<string, (value: unknown) => [keyof Criteria, unknown]>> = {
  ...Object.fromEntries(['status', 'source', 'country', 'city', 'language'].map((field) => [field, {
    '=': (value: unknown) => [field as keyof Criteria, value], in: (value: unknown) => [field as keyof Criteria, value],
  }])),
  ...Object.fromEntries(['newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed'].map((field) => [field, {
    '=': (value: unknown) => [field as keyof Criteria, value === 1 || value === '1' || value === 'true' ? true : value === 0 || value === '0' || value === 'false' ? false : value],
  }])),
  total_orders: { '>=': (value) => ['min_orders', value], '>': (value) => ['min_orders', typeof value === 'number' ? value + 1 : value] },
  total_spent: { '>=': (value) => ['min_spent', value] },
  created_at: { '>=': (value) => ['created_after', value], '>': (value) => ['created_after', value], '<': (value) => ['created_before', value] },
  tags: { in: (value) => ['tags_any', value], contains: (value) => ['tags_any', [value].flat()], '=': (value) => ['tags_any', [value].flat()] },
};

function fromConditions(conditions: unknown[]): Record<string, unknown> {
  const criteria: Record<string, unknown> = {};
  conditions.forEach((condition, index) => {
    const { field, operator = '=', value, logic = 'and' } = (condition ?? {}) as LegacyCondition;
    const translate = LEGACY[String(field)]?.[String(operator).toLowerCase()];
    if (logic !== 'and') throw invalid({ [`criteria.${index}.logic`]: ['Conditions are combined with "and" only.'] });
    if (!translate) throw invalid({ [`criteria.${index}`]: [`The condition ${JSON.stringify(field)} ${JSON.stringify(operator)} is not supported (criteria are: ${Object.keys(criteriaSchema.properties).join(', ')}).`] });
    const [key, translated] = translate(value);
    criteria[key] = translated;
  });
  return criteria;
}

/** Checks criteria sent in a body (422 naming `criteria.<field>`), including that their tags exist. */
export async function validateCriteria(given: unknown, transaction?: Transaction): Promise<Criteria> {
  const criteria = Array.isArray(given) ? fromConditions(given) : given;
  if (!checkCriteria(criteria)) {
    const errors = fieldErrors(checkCriteria.errors ?? [], '');
    throw invalid(Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field ? `criteria.${field}` : 'criteria', messages])));
  }
  const valid = criteria as Criteria;
  for (const field of ['tags_any', 'tags_all'] as const) {
    const wanted = valid[field];
    if (!wanted) continue;
    const found = await tagIds(wanted, transaction);
    if (found.missing.length) throw invalid({ [`criteria.${field}`]: [`Unknown tag(s): ${found.missing.join(', ')}.`] });
  }
  return valid;
}

/** The ids of tags named by id or name, and those that name no tag. */
async function tagIds(refs: Array<number | string>, transaction?: Transaction) {
  const ids = refs.filter((r): r is number => typeof r === 'number');
  const names = refs.filter((r): r is string => typeof r === 'string').map((n) => n.trim().toLowerCase());
  const rows = await sql.select<{ id: number; name: string }>(
    `SELECT id, name FROM contact_tags WHERE id IN (${placeholders(ids.length)}) OR LOWER(name) IN (${placeholders(names.length)})`, [...ids, ...names], transaction,
  );
  const missing = [
    ...ids.filter((id) => !rows.some((r) => r.id === id)),
    ...names.filter((name) => !rows.some((r) => r.name.toLowerCase() === name)),
  ];
  return { ids: [...new Set(rows.map((r) => r.id))], missing };
}

const list = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** A WHERE clause over `contacts c` (live rows only) matching the criteria, with its parameters. */
export async function criteriaWhere(criteria: Criteria, transaction?: Transaction): Promise<{ where: string; params: Array<string | number> }> {
  const clauses = ['c.deleted_at IS NULL'];
  const params: Array<string | number> = [];
  const anyOf = (column: string, values: string[] | undefined) => {
    if (!values) return;
    clauses.push(`c.${column} IN (${placeholders(values.length)})`);
    params.push(...values);
  };
  anyOf('status', list(criteria.status));
  anyOf('source', list(criteria.source));
  anyOf('country', list(criteria.country)?.map((c) => c.toUpperCase()));
  anyOf('city', list(criteria.city));
  anyOf('language', list(criteria.language)?.map((l) => l.toLowerCase()));
  for (const flag of ['newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed'] as const) {
    if (criteria[flag] === undefined) continue;
    clauses.push(`c.${flag} = ?`);
    params.push(criteria[flag] ? 1 : 0);
  }
  if (criteria.min_orders !== undefined) {
    clauses.push('c.total_orders >= ?');
    params.push(criteria.min_orders);
  }
  if (criteria.min_spent !== undefined) {
    clauses.push('c.total_spent >= CAST(? AS DECIMAL(12,2))');
    params.push(String(criteria.min_spent));
  }
  if (criteria.created_after) {
    clauses.push('c.created_at >= ?');
    params.push(sqlTime(criteria.created_after));
  }
  if (criteria.created_before) {
    clauses.push('c.created_at < ?');
    params.push(sqlTime(criteria.created_before));
  }
  if (criteria.tags_any) {
    const { ids } = await tagIds(criteria.tags_any, transaction);
    clauses.push(`c.id IN (SELECT contact_id FROM contact_tag WHERE tag_id IN (${placeholders(ids.length)}))`);
    params.push(...ids);
  }
  if (criteria.tags_all) {
    const { ids, missing } = await tagIds(criteria.tags_all, transaction);
    // A tag deleted since the list was saved: nobody can have every tag any more.
    if (missing.length) clauses.push('FALSE');
    else {
      clauses.push(`(SELECT COUNT(*) FROM contact_tag t WHERE t.contact_id = c.id AND t.tag_id IN (${placeholders(ids.length)})) = ?`);
      params.push(...ids, ids.length);
    }
  }
  return { where: clauses.join(' AND '), params };
}
