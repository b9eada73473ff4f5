import type { Transaction } from 'sequelize';
import { run, select } from './sql';

/**
 * The catalogue's version. A product's page costs the database most of its work in its parts
 * (types, categories, images...), which change only when staff edit the catalogue, while its
 * stock changes with every order. So pages are kept in memory with the version they were read at
 * (catalogue.ts), every such edit bumps the version in its own transaction, and a kept page is
 * served only while the version is unchanged, with its stock read live: one primary-key read.
 * A page is kept with the version read before it, never after: at worst it is read once more.
 * The bump comes last in a transaction, so that the version's row stays locked no longer than
 * the commit (and no lock is ever taken after it: no deadlock).
 */
export const bumpCatalogueVersion = (transaction: Transaction) => run('UPDATE catalogue_version SET version = version + 1 WHERE id = 1', [], transaction);

export interface Live {
  version: number;
  /** Null when the product is not there (deleted, or inactive for the public). */
  stock: number | null;
  reserved: number | null;
  is_active: number | null;
  updated_at: Date | null;
}

export async function liveState(id: number, activeOnly: boolean): Promise<Live> {
  const [row] = await select<Live>(
    `SELECT v.version, p.stock, p.reserved, p.is_active, p.updated_at FROM catalogue_version v
     LEFT JOIN products p ON p.id = ? AND p.deleted_at IS NULL${activeOnly ? ' AND p.is_active = 1' : ''} WHERE v.id = 1`,
    [id],
  );
  return { ...row, version: Number(row.version) };
}
