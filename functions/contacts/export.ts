import { csvHeaders, csvLine, type CsvValue } from '../kit';
import { sql, type ContactList } from './database';

const BATCH = 500;

const COLUMNS = [
  'id', 'email', 'first_name', 'last_name', 'company', 'phone', 'status', 'source', 'language', 'country', 'city',
  'newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed', 'total_orders', 'total_spent', 'last_purchase_at', 'created_at',
] as const;
const FLAGS = new Set(['newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed']);
type Row = Record<(typeof COLUMNS)[number] | 'tags' | 'added_at', CsvValue>;

const cells = (row: Row): CsvValue[] => [
  ...COLUMNS.map((column) => (FLAGS.has(column) ? Boolean(row[column]) : row[column])),
  row.tags, row.added_at,
];

/**
 * The members of a list as CSV, read from the database a batch at a time (by contact id, so a
 * batch never repeats or skips a row) and handed on batch by batch: never the whole list in memory.
 */
async function* memberLines(listId: number): AsyncGenerator<string> {
  yield csvLine([...COLUMNS, 'tags', 'added_at']);
  for (let after = 0; ;) {
    const rows = await sql.select<Row & { id: number }>(
      `SELECT ${COLUMNS.map((c) => `c.${c}`).join(', ')}, m.added_at,
         (SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR '|') FROM contact_tag ct JOIN contact_tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id) AS tags
       FROM contact_list_contacts m JOIN contacts c ON c.id = m.contact_id
       WHERE m.list_id = ? AND m.status = 'active' AND c.deleted_at IS NULL AND m.contact_id > ?
       ORDER BY m.contact_id LIMIT ${BATCH}`,
      [listId, after],
    );
    if (rows.length) yield rows.map((row) => csvLine(cells(row))).join('');
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].id;
  }
}

export function listExport(list: ContactList) {
  const day = new Date().toISOString().slice(0, 10);
  const slug = list.name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'list';
  return { headers: csvHeaders(`contacts-${slug}-${day}.csv`), lines: memberLines(list.id) };
}
