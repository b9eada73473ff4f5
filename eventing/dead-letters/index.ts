/**
 * The dead-letter keeper, a function of the platform that only a cluster runs (FUNCTION_TARGET
 * `deadletters`). eventing-rabbitmq drops an event whose retries are spent unless the Broker has a
 * dead-letter sink; the chart makes this function that sink. Its DLQ dispatcher POSTs each dead
 * event (binary mode, with Knative's knativeerrorcode / knativeerrordest extensions) to
 * `/dead-letters/<credential>`, the credential being the function's delivery credential (as a
 * Trigger's URI carries its subscriber's), and the event is kept in the function's own database
 * before the 202. `cli.ts` lists and replays what it keeps.
 */
import { deliveryCredential, sameSecret } from '../../functions/kit/credentials';
import { serviceDatabase } from '../../functions/kit/database';
import { badRequest, unauthorized } from '../../functions/kit/errors';
import { readRawBody } from '../../functions/kit/http';
import { registerService } from '../../functions/kit/registry';
import { reply, type Route } from '../../functions/kit/route';
import { envelopeFromHttp, InvalidEventError } from '../broker/envelope';
import { DEAD_LETTERS_FUNCTION, deadLettersMigration, keepDeadLetter } from './store';

export const DEAD_LETTERS_PATH = '/dead-letters';

const database = serviceDatabase(DEAD_LETTERS_FUNCTION, () => ({}));

const refuse = () => {
  throw unauthorized('Dead letters are accepted from the broker only.');
};

const routes: Route[] = [
  { method: 'POST', path: DEAD_LETTERS_PATH, summary: 'Events the broker dead-lettered', access: 'public', hidden: true, handler: refuse },
  {
    method: 'POST', path: `${DEAD_LETTERS_PATH}/:credential`, summary: 'Events the broker dead-lettered', access: 'public', hidden: true,
    async handler({ raw, params }) {
      // Checked before the body is read; without PLATFORM_SECRET nothing is accepted.
      if (!sameSecret(params.credential as string, deliveryCredential(DEAD_LETTERS_FUNCTION))) refuse();
      let envelope;
      try {
        envelope = envelopeFromHttp(raw.headers, await readRawBody(raw));
      } catch (error) {
        if (error instanceof InvalidEventError) throw badRequest(error.message);
        throw error;
      }
      await keepDeadLetter(database.sequelize, envelope);
      // No body: a CloudEvent in the answer would be published back to the broker.
      return reply.with(202);
    },
  },
];

export const deadLetters = registerService({
  name: DEAD_LETTERS_FUNCTION,
  title: 'Dead letters',
  description: 'Keeps the events the broker gave up on, to be listed and replayed (eventing/dead-letters/cli.ts).',
  routes,
  database,
  migrations: [deadLettersMigration],
});
