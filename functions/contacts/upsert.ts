import type { ResultSetHeader } from 'mysql2';
import type { Transaction } from 'sequelize';
import { PermanentEventError } from '../kit';
import { sql, sqlTime, type ContactSource } from './database';
import { normalizeEmail } from './contacts';

/** Columns an upsert fills only where the contact has nothing yet. */
type FillColumn = 'first_name' | 'last_name' | 'company' | 'phone' | 'city' | 'country' | 'language' | 'user_id';
export type ContactFacts = Partial<Record<FillColumn, string | number | null>>;

/** What the e-mail column takes (routes check the format first; events are only trusted this far). */
const isUsableEmail = (email: string) => /^[^\s@]+@[^\s@]+$/.test(email.trim()) && email.trim().length <= 191;

/** The stored value, or the new one where there is none (an empty text counts as none). */
const missing = (column: FillColumn) => (column === 'user_id' ? `COALESCE(${column}, VALUES(${column}))` : `COALESCE(NULLIF(${column}, ''), VALUES(${column}))`);

/**
 * Creates the contact of an e-mail or completes the existing one, in one statement on the
 * unique live e-mail, so concurrent upserts of one address never make two contacts. A new contact
 * gets `source`; an existing one keeps its source and data and only gains what it lacked.
 * Answers the contact's id (and leaves its row locked by `transaction`).
 */
export async function upsertContact(transaction: Transaction, email: string, source: ContactSource, facts: ContactFacts = {}): Promise<number> {
  if (!isUsableEmail(email)) throw new PermanentEventError(`"${email.slice(0, 200)}" is not an e-mail address a contact can have`);
  const known = Object.entries(facts).filter(([, value]) => value !== null && value !== undefined && value !== '') as Array<[FillColumn, string | number]>;
  const columns = known.map(([column]) => column);
  const now = new Date();
  const result = await sql.run<ResultSetHeader>(
    `INSERT INTO contacts (email, source, status, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
     VALUES (?, ?, 'active', ?, ?${columns.map(() => ', ?').join('')})
     ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), updated_at = VALUES(updated_at)${columns.map((c) => `, ${c} = ${missing(c)}`).join('')}`,
    [normalizeEmail(email), source, sqlTime(now), sqlTime(now), ...known.map(([, value]) => value)],
    transaction,
  );
  return result.insertId;
}
