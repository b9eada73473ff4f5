/**
 * The dead-letter keeper's table: every event a cluster's broker gave up on, kept until it is
 * replayed, and kept after that as a record. One row per event (`source` + `id`) and failed
 * destination (`knativeerrordest`): a delivery of the same dead letter again changes nothing, a
 * failure after a replay makes the row pending again.
 */
import { createHash } from 'node:crypto';
import { DataTypes, QueryTypes, type Sequelize } from 'sequelize';
import type { Migration } from '../../functions/kit/db';
import { loggableUrl } from '../../functions/kit/redact';
import { formatTable, withoutFailureHeaders } from '../broker/dead-letter';
import { envelopeToBinaryHttp, type EventEnvelope } from '../broker/envelope';
import { HttpSender } from '../broker/http-delivery';

/** The function's name: its database (DATABASE_URL_DEADLETTERS), its delivery credential, its Knative Service. */
export const DEAD_LETTERS_FUNCTION = 'deadletters';

export const deadLettersMigration: Migration = {
  name: '001-dead-letters',
  async up(queryInterface) {
    await queryInterface.createTable('dead_letters', {
      id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
      // SHA-256 of source, id and destination: the three can be long, a unique index cannot.
      letter_key: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
      event_id: { type: DataTypes.STRING(191), allowNull: false },
      source: { type: DataTypes.STRING(1024), allowNull: false },
      type: { type: DataTypes.STRING(191), allowNull: false },
      destination: { type: DataTypes.STRING(2048), allowNull: false },
      error_code: { type: DataTypes.STRING(16), allowNull: false },
      error_data: { type: DataTypes.TEXT, allowNull: true },
      // Every attribute and extension as received (knativeerror* included), as JSON; data byte for byte.
      attributes: { type: DataTypes.TEXT('medium'), allowNull: false },
      data: { type: DataTypes.BLOB('long'), allowNull: true },
      failures: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 1 },
      first_failed_at: { type: DataTypes.DATE(3), allowNull: false },
      last_failed_at: { type: DataTypes.DATE(3), allowNull: false },
      replayed_at: { type: DataTypes.DATE(3), allowNull: true },
    });
    await queryInterface.addIndex('dead_letters', ['replayed_at', 'id'], { name: 'dead_letters_pending' });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('dead_letters');
  },
};

const letterKey = (source: string, id: string, destination: string) =>
  createHash('sha256').update(`${source}\n${id}\n${destination}`).digest('hex');

/**
 * Keeps a dead-lettered event durably (committed before this resolves). The destination is kept
 * without the subscriber's delivery credential (it says which function failed; the credential
 * would let whoever reads the table deliver to it).
 */
export async function keepDeadLetter(sequelize: Sequelize, envelope: EventEnvelope): Promise<void> {
  const destination = loggableUrl(envelope.attributes.knativeerrordest ?? '');
  const attributes: Record<string, string> = { ...envelope.attributes, ...(destination ? { knativeerrordest: destination } : {}) };
  // Assignments run left to right: replayed_at is cleared last, after the others have read it.
  await sequelize.query(
    `INSERT INTO dead_letters (letter_key, event_id, source, type, destination, error_code, error_data, attributes, data, failures, first_failed_at, last_failed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NOW(3), NOW(3))
     ON DUPLICATE KEY UPDATE failures = failures + IF(replayed_at IS NULL, 0, 1), error_code = VALUES(error_code),
       error_data = VALUES(error_data), last_failed_at = NOW(3), replayed_at = NULL`,
    {
      replacements: [
        letterKey(attributes.source, attributes.id, destination), attributes.id, attributes.source, attributes.type, destination,
        attributes.knativeerrorcode ?? '', attributes.knativeerrordata ?? null, JSON.stringify(attributes), envelope.data ?? null,
      ],
      type: QueryTypes.INSERT,
    },
  );
}

interface Row {
  id: string;
  event_id: string;
  source: string;
  type: string;
  destination: string;
  error_code: string;
  failures: number;
  last_failed_at: Date;
  attributes: string;
  data: Buffer | null;
}

const pending = (sequelize: Sequelize, ids: string[]) =>
  sequelize.query<Row>(
    `SELECT id, event_id, source, type, destination, error_code, failures, last_failed_at, attributes, data
     FROM dead_letters WHERE replayed_at IS NULL${ids.length ? ' AND event_id IN (?)' : ''} ORDER BY id`,
    { replacements: ids.length ? [ids] : [], type: QueryTypes.SELECT },
  );

export interface KeptDeadLetter {
  id: string;
  type: string;
  source: string;
  /** The subscriber's status code, `0` when it never answered. */
  code: string;
  /** The subscriber that failed (its credential redacted). */
  destination: string;
  failedAt: string;
  failures: number;
}

/** The dead letters not replayed yet, oldest first; `ids` narrows them to those events. */
export async function listKept(sequelize: Sequelize, ids: string[] = []): Promise<KeptDeadLetter[]> {
  return (await pending(sequelize, ids)).map((row) => ({
    id: row.event_id,
    type: row.type,
    source: row.source,
    code: row.error_code,
    destination: row.destination,
    failedAt: new Date(row.last_failed_at).toISOString(),
    failures: Number(row.failures),
  }));
}

export function formatKept(letters: KeptDeadLetter[]): string {
  if (letters.length === 0) return 'no dead-lettered events';
  return formatTable([
    ['ID', 'TYPE', 'SOURCE', 'CODE', 'DESTINATION', 'FAILED AT', 'FAILURES'],
    ...letters.map((l) => [l.id, l.type, l.source, l.code, l.destination, l.failedAt, String(l.failures)]),
  ]);
}

export interface ReplayOptions {
  /** The broker's ingress (K_SINK). */
  sink: string;
  /** The publish credential, for a broker that asks for one (the local broker); eventing-rabbitmq asks none. */
  token?: string;
  /** Only these event ids; otherwise every pending one. */
  ids?: string[];
  timeoutMs?: number;
}

export interface ReplayOutcome {
  replayed: string[];
  failed: Array<{ id: string; reason: string }>;
}

/**
 * Publishes each pending dead event once more to the broker, as it was first published (the
 * failure extensions left out): every Trigger it matches gets it again, and subscribers that had
 * applied it already find it in their inbox. An event dead-lettered at several destinations is
 * published once. Its rows are marked replayed only after the broker accepted it, and only if no
 * new failure came in meanwhile (a replay that fails again at once stays pending).
 */
export async function replayKept(sequelize: Sequelize, options: ReplayOptions): Promise<ReplayOutcome> {
  const rows = await pending(sequelize, options.ids ?? []);
  const events = new Map<string, Row>();
  for (const row of rows) if (!events.has(`${row.source}\n${row.event_id}`)) events.set(`${row.source}\n${row.event_id}`, row);
  const sender = new HttpSender();
  const outcome: ReplayOutcome = { replayed: [], failed: [] };
  try {
    for (const row of events.values()) {
      // The database's clock, as text: Sequelize would drop the milliseconds of a Date.
      const [{ now }] = await sequelize.query<{ now: string }>("SELECT DATE_FORMAT(NOW(3), '%Y-%m-%d %H:%i:%s.%f') AS now", { type: QueryTypes.SELECT });
      const attributes = withoutFailureHeaders(JSON.parse(row.attributes)) as Record<string, string>;
      const { headers, body } = envelopeToBinaryHttp({ attributes, data: row.data ?? undefined });
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const result = await sender.post(options.sink, headers, body, options.timeoutMs ?? 10_000);
      if (result.status === undefined || result.status < 200 || result.status >= 300) {
        outcome.failed.push({ id: row.event_id, reason: result.status === undefined ? (result.error ?? 'no answer') : `HTTP ${result.status}` });
        continue;
      }
      await sequelize.query(
        'UPDATE dead_letters SET replayed_at = NOW(3) WHERE source = ? AND event_id = ? AND replayed_at IS NULL AND last_failed_at < ?',
        { replacements: [row.source, row.event_id, now] },
      );
      outcome.replayed.push(row.event_id);
    }
  } finally {
    sender.destroy();
  }
  return outcome;
}
