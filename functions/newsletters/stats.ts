import { sql, SUBSCRIBER_STATUSES } from './database';

const DAY_MS = 86_400_000;
const isoDay = (date: Date | string) => (typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10));

/** Counts per status, and per day of the last `days`: new sign-ups, confirmations, departures. Four indexed queries. */
export async function subscriberStats(days: number) {
  const since = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const perDay = (column: string) =>
    sql.select<{ day: string | Date; count: number }>(
      `SELECT DATE(${column}) AS day, COUNT(*) AS count FROM newsletters WHERE ${column} >= ? AND deleted_at IS NULL GROUP BY DATE(${column})`,
      [since.toISOString().slice(0, 19).replace('T', ' ')],
    );
  const [statuses, created, confirmed, left] = await Promise.all([
    sql.select<{ status: string; count: number }>('SELECT status, COUNT(*) AS count FROM newsletters WHERE deleted_at IS NULL GROUP BY status'),
    perDay('created_at'), perDay('subscribed_at'), perDay('unsubscribed_at'),
  ]);
  const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of statuses) byStatus[row.status] = Number(row.count);
  const byDay = (rows: Array<{ day: string | Date; count: number }>) => new Map(rows.map((r) => [isoDay(r.day), Number(r.count)]));
  const [createdOn, confirmedOn, leftOn] = [byDay(created), byDay(confirmed), byDay(left)];
  const growth = Array.from({ length: days }, (_, i) => {
    const date = isoDay(new Date(since.getTime() + i * DAY_MS));
    const subscribed = confirmedOn.get(date) ?? 0;
    const unsubscribed = leftOn.get(date) ?? 0;
    return { date, new: createdOn.get(date) ?? 0, subscribed, unsubscribed, net: subscribed - unsubscribed };
  });
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return { total, ...byStatus, by_status: byStatus, growth };
}
