import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { client, uniqueEmail, type Answer, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';

/** Runs after every other end-to-end suite (test/run.ts): the flood spends this IP's budget for a minute. */
const e2e = suite('rate limits through Nginx');
let call: Call;

e2e.before(async () => {
  call = client((await testPlatform()).urls.nginx!);
});

e2e('sensitive routes are rate limited per IP with 429 and Retry-After', async () => {
  let limited: Answer | undefined;
  for (let i = 0; i < 60 && !limited; i++) {
    const res = await call('POST', '/api/v1/auth/login', { body: { email: uniqueEmail('flood'), password: 'wrong password' } });
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, 'a flood of logins ends in 429');
  assert.ok(Number(limited!.headers['retry-after']) >= 1);
  assert.type(limited!.body.message, 'string');
});

e2e('the budgets are per kind of route: a login flood leaves the contact form and newsletter subscription open', async () => {
  const login = await call('POST', '/api/v1/auth/login', { body: { email: uniqueEmail('flood'), password: 'wrong password' } });
  assert.is(login.status, 429, 'logins are still limited');
  const subscribe = await call('POST', '/api/v1/newsletters/newsletters/subscribe', { body: {} });
  assert.is.not(subscribe.status, 429);
  const contact = await call('POST', '/api/v1/contacts/contact', { body: {} });
  assert.is.not(contact.status, 429);
});

e2e.run();
