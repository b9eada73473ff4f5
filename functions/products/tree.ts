import type { Transaction } from 'sequelize';
import { conflict, fieldError } from '../kit';
import { select } from './sql';

/** Categories and catalogs: trees of named nodes through `parent_id`. */
export type TreeTable = 'categories' | 'catalogs';

const NOUN: Record<TreeTable, string> = { categories: 'category', catalogs: 'catalog' };

/**
 * `subtree`: the live node whose id is the first parameter and every live node under it.
 * UNION (not UNION ALL) ends even on a cycle that concurrent moves could have made.
 */
export const subtreeCte = (table: TreeTable) => `WITH RECURSIVE subtree (id) AS (
  SELECT id FROM ${table} WHERE id = ? AND deleted_at IS NULL
  UNION SELECT n.id FROM ${table} n JOIN subtree s ON n.parent_id = s.id WHERE n.deleted_at IS NULL)`;

/** A parent must exist, and a node cannot move under itself or one of its descendants (422). */
export async function checkParent(table: TreeTable, id: number | undefined, parentId: unknown, transaction: Transaction): Promise<void> {
  if (parentId === null || parentId === undefined) return;
  const [parent] = await select(`SELECT id FROM ${table} WHERE id = ? AND deleted_at IS NULL`, [Number(parentId)], transaction);
  if (!parent) throw fieldError('parent_id', 'The selected parent id is invalid.');
  if (id === undefined) return;
  const [cycle] = await select(`${subtreeCte(table)} SELECT id FROM subtree WHERE id = ?`, [id, Number(parentId)], transaction);
  if (cycle) throw fieldError('parent_id', `A ${NOUN[table]} cannot be its own ancestor.`);
}

/** A node with live children cannot be deleted: its children would lose their place (409). */
export async function checkNoChildren(table: TreeTable, id: number, transaction: Transaction): Promise<void> {
  const [child] = await select(`SELECT id FROM ${table} WHERE parent_id = ? AND deleted_at IS NULL LIMIT 1`, [id], transaction);
  if (child) throw conflict(`The ${NOUN[table]} has sub-${table}; move or delete them first.`);
}

interface Node {
  id: number;
  name: string;
  parent_id: number | null;
}

/** Every live node, nested under its parent (`children`), siblings by name. */
export async function treeOf(table: TreeTable) {
  const nodes = await select<Node & { created_at: Date; updated_at: Date }>(
    `SELECT id, name, parent_id, created_at, updated_at FROM ${table} WHERE deleted_at IS NULL ORDER BY name, id`,
  );
  type Branch = (typeof nodes)[number] & { children: Branch[] };
  const byId = new Map<number, Branch>(nodes.map((node) => [node.id, { ...node, children: [] }]));
  const roots: Branch[] = [];
  for (const node of byId.values()) {
    const parent = node.parent_id === null ? undefined : byId.get(node.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
