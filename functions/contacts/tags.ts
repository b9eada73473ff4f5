import type { Transaction } from 'sequelize';
import { invalid, notFound, placeholders } from '../kit';
import { sql, sqlTime, Tag } from './database';

export type TagRefInput = number | string;

export async function findTagOr404(id: number, transaction?: Transaction): Promise<Tag> {
  const tag = await Tag.findByPk(id, { transaction });
  if (!tag) throw notFound('The tag does not exist.');
  return tag;
}

/**
 * The ids of tags given by id or by name: a name no tag has yet makes a new custom tag (as the
 * older platform's free tags did) unless `create` is false; an unknown tag is a 422 on `field`.
 */
export async function resolveTags(refs: TagRefInput[], field: string, transaction: Transaction, create = true): Promise<number[]> {
  const ids = [...new Set(refs.filter((r): r is number => typeof r === 'number'))];
  const names = [...new Set(refs.filter((r): r is string => typeof r === 'string').map((n) => n.trim()).filter(Boolean))];
  if (ids.length) {
    const found = await sql.select<{ id: number }>(`SELECT id FROM contact_tags WHERE id IN (${placeholders(ids.length)})`, ids, transaction);
    const missing = ids.filter((id) => !found.some((row) => row.id === id));
    if (missing.length) throw invalid({ [field]: [`Unknown tag id(s): ${missing.join(', ')}.`] });
  }
  if (names.length) {
    const now = sqlTime(new Date());
    if (create) await sql.run(
      `INSERT IGNORE INTO contact_tags (name, color, type, usage_count, created_at, updated_at) VALUES ${names.map(() => "(?, '#007bff', 'custom', 0, ?, ?)").join(', ')}`,
      names.flatMap((name) => [name, now, now]), transaction,
    );
    const named = await sql.select<{ id: number; name: string }>(`SELECT id, name FROM contact_tags WHERE name IN (${placeholders(names.length)})`, names, transaction);
    const unknown = names.filter((name) => !named.some((row) => row.name.toLowerCase() === name.toLowerCase()));
    if (unknown.length) throw invalid({ [field]: [`Unknown tag(s): ${unknown.join(', ')}.`] });
    ids.push(...named.map((row) => row.id));
  }
  return [...new Set(ids)].sort((a, b) => a - b);
}
