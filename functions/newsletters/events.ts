import { PING_EVENT_TYPE, type Subscription } from '../kit';
import { contractData } from '../contracts';
import { USER_REGISTERED } from '../auth/events';
import { requestSubscription, sendPendingConfirmations } from './subscribers';
import { startDueAndAbandoned } from './sender';

interface UserRegistered { id: number; firstname: string; lastname: string; email: string; newsletter_consent: boolean }
const userRegistered = contractData<UserRegistered>(USER_REGISTERED);

export const newsletterSubscriptions: Subscription[] = [
  {
    type: USER_REGISTERED,
    description: 'A customer who gave newsletter consent at registration becomes a pending subscriber (confirmation mail); idempotent.',
    async handler(event, transaction) {
      const user = userRegistered(event);
      if (!user.newsletter_consent) return;
      const name = `${user.firstname} ${user.lastname}`.trim() || null;
      // Registering proves no one owns the address: the same double opt-in as the public form.
      await requestSubscription({ email: user.email, name, source: 'registration', user_id: user.id }, transaction);
      transaction.afterCommit(() => void sendPendingConfirmations());
    },
  },
  {
    type: PING_EVENT_TYPE,
    description: 'The periodic tick: starts scheduled campaigns whose time has come, resumes abandoned ones, sends confirmation mails still to send.',
    async handler(_event, transaction) {
      // The work outlives the delivery: the tick is answered at once, the sending goes on in this process.
      transaction.afterCommit(() => {
        void startDueAndAbandoned();
        void sendPendingConfirmations();
      });
    },
  },
];
