/**
 * Look at and replay what the dead-letter keeper holds (in a cluster; locally see broker/dlq.ts):
 *   node dist/eventing/dead-letters/cli.js list [event-id...]
 *   node dist/eventing/dead-letters/cli.js replay [event-id...]
 * The keeper's database is DATABASE_URL_DEADLETTERS; replay publishes to the broker's ingress in
 * K_SINK, presenting the publish credential when PLATFORM_SECRET is set. The chart runs these as
 * Jobs (templates/dead-letters.yaml).
 */
import { env } from '../../functions/kit/config';
import { publishCredential } from '../../functions/kit/credentials';
import { connect } from '../../functions/kit/db';
import { runShutdownHooks } from '../../functions/kit/lifecycle';
import { DEAD_LETTERS_FUNCTION, formatKept, listKept, replayKept } from './store';

/** The command line; returns the exit code (1 when an event could not be replayed). */
export async function runDeadLettersCommand(argv: string[]): Promise<number> {
  const [command, ...ids] = argv;
  if (command !== 'list' && command !== 'replay') {
    console.error('usage: cli.js list|replay [event-id...]   (DATABASE_URL_DEADLETTERS, and K_SINK for replay, from the environment)');
    return 2;
  }
  const sink = env('K_SINK');
  if (command === 'replay' && !sink) {
    console.error('K_SINK (the broker ingress to publish to) is not set');
    return 2;
  }
  const sequelize = connect(DEAD_LETTERS_FUNCTION);
  try {
    if (command === 'list') {
      console.log(formatKept(await listKept(sequelize, ids)));
      return 0;
    }
    const { replayed, failed } = await replayKept(sequelize, { sink: sink!, token: publishCredential(), ids });
    for (const { id, reason } of failed) console.error(`${id}: not replayed (${reason})`);
    console.log(`${replayed.length} event(s) replayed to ${sink}${failed.length ? `, ${failed.length} not` : ''}`);
    return failed.length ? 1 : 0;
  } finally {
    await sequelize.close();
  }
}

if (require.main === module) {
  runDeadLettersCommand(process.argv.slice(2))
    .catch((error: Error) => {
      console.error(`dead-letters: ${error.message}`);
      return 1;
    })
    .then(async (code) => {
      await runShutdownHooks();
      process.exit(code);
    });
}
