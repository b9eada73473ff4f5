import type { ResultSetHeader } from 'mysql2';
import type { Transaction } from 'sequelize';
import { statements } from '../kit';

const { run } = statements('sav');

/**
 * `SAV-2026-000123`: the year and that year's next number. The year's counter row is incremented
 * under its row lock inside the ticket's transaction, so two tickets never get the same number and
 * a rolled-back ticket gives its number back. LAST_INSERT_ID(expr) hands the new value back on this
 * connection without a second read.
 */
export async function nextTicketNumber(transaction: Transaction, now = new Date()): Promise<string> {
  const year = now.getUTCFullYear();
  const result = await run<ResultSetHeader>(
    'INSERT INTO ticket_sequences (year, last_number) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_number = LAST_INSERT_ID(last_number + 1)',
    [year], transaction,
  );
  return formatTicketNumber(year, result.insertId);
}

export const formatTicketNumber = (year: number, sequence: number) => `SAV-${year}-${String(sequence).padStart(6, '0')}`;

/** What a customer typed: any case, spaces around. */
export const normalizeTicketNumber = (input: string) => input.trim().toUpperCase();
