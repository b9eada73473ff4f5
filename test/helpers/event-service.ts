import { DataTypes, QueryTypes, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../../functions/kit/database';
import { emit } from '../../functions/kit/events/outbox';
import { PermanentEventError, type Subscription } from '../../functions/kit/events/declarations';
import type { ServiceDefinition } from '../../functions/kit/service';
import { reply, route } from '../../functions/kit/route';

/**
 * A small service that emits and applies events, for the eventing tests: `tallies` counts what
 * `tally.added` events add; `POST /tallies/:name` adds through the outbox.
 */
export function eventTestService(name = 'evtest', options: { failTimes?: () => number } = {}): ServiceDefinition & { db: ReturnType<typeof database> } {
  const db = database(name);
  const added = `ecommerce.${name}.tally.added`;
  const subscriptions: Subscription<{ name: string; amount: number; reply?: boolean }>[] = [
    {
      type: added,
      description: 'adds to a tally',
      async handler(event, transaction) {
        if (event.data.amount < 0) throw new PermanentEventError('a tally never goes down');
        if ((options.failTimes?.() ?? 0) > 0) throw new Error('transient failure (test)');
        await db.sequelize.query(
          'INSERT INTO tallies (name, total, applied) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE total = total + VALUES(total), applied = applied + 1',
          { replacements: [event.data.name, event.data.amount], transaction },
        );
        if (event.data.reply) return { type: `ecommerce.${name}.tally.acknowledged`, subject: event.data.name, data: { name: event.data.name } };
      },
    },
  ];
  return {
    name,
    title: name,
    description: 'eventing test service',
    database: db,
    db,
    migrations: [
      {
        name: '001-tallies',
        up: (q) => q.createTable('tallies', { name: { type: DataTypes.STRING(100), primaryKey: true }, total: { type: DataTypes.INTEGER, allowNull: false }, applied: { type: DataTypes.INTEGER, allowNull: false } }),
      },
    ],
    emits: [
      { type: added, description: 'something was added to a tally', schema: { type: 'object', required: ['name', 'amount'], properties: { name: { type: 'string' }, amount: { type: 'integer' }, reply: { type: 'boolean' } } } },
      { type: `ecommerce.${name}.tally.acknowledged`, description: 'reply', schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    ],
    subscriptions,
    routes: [
      route<{ name: string }, {}, { amount: number; fail?: boolean }>({
        method: 'POST', path: '/tallies/:name', summary: 'add through the outbox', access: 'public',
        body: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer' }, fail: { type: 'boolean' } } },
        async handler({ params, body }) {
          await db.sequelize.transaction(async (transaction) => {
            await db.sequelize.query('INSERT INTO tallies (name, total, applied) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE name = name', { replacements: [`sent:${params.name}`], transaction });
            await emit(transaction, added, params.name, { name: params.name, amount: body.amount });
            if (body.fail) throw new Error('rolled back (test)');
          });
          return reply.created({ ok: true });
        },
      }),
    ],
  };
}

function database(name: string) {
  return serviceDatabase(name, (sequelize: Sequelize) => ({ sequelize }));
}

export async function tally(db: { sequelize: Sequelize }, name: string): Promise<{ total: number; applied: number } | undefined> {
  const [row] = await db.sequelize.query<{ total: number; applied: number }>('SELECT total, applied FROM tallies WHERE name = ?', { replacements: [name], type: QueryTypes.SELECT });
  return row;
}

export async function outboxRows(db: { sequelize: Sequelize }) {
  return db.sequelize.query<{ event_id: string; type: string; sent_at: Date | null; attempts: number; data: string }>(
    'SELECT event_id, type, sent_at, attempts, data FROM outbox_events ORDER BY id', { type: QueryTypes.SELECT },
  );
}
