import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureKind } from '../../functions/newsletters/mailer';
import { campaignMessageId, unsubscribeHeaders } from '../../functions/newsletters/messages';

test('a failed send is retried only when the message cannot have been taken', () => {
  assert.is(failureKind({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), 'unavailable', 'no server');
  assert.is(failureKind({ code: 'EAUTH', command: 'AUTH PLAIN' }), 'unavailable');
  assert.is(failureKind({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }), 'retry', 'greylisted');
  assert.is(failureKind({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), 'permanent', 'no such mailbox');
  assert.is(failureKind({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }), 'permanent');
  assert.is(failureKind({ code: 'ETIMEDOUT', command: 'DATA' }), 'unknown', 'cut off after the data: maybe kept');
  assert.is(failureKind(new Error('socket hang up')), 'unknown');
});

const SETTINGS = ['MAIL_FROM', 'NEWSLETTERS_PUBLIC_URL', 'NEWSLETTERS_UNSUBSCRIBE_MAILTO'];
let saved: Record<string, string | undefined> = {};
test.before(() => {
  saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
});
// The other suites' function reads the same settings: leave them as they were.
test.after(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('Message-IDs are the same for a campaign and recipient, different otherwise; unsubscribe headers follow RFC 2369 and 8058', () => {
  process.env.MAIL_FROM = 'Shop <news@shop.test>';
  assert.is(campaignMessageId(7, 42), campaignMessageId(7, 42));
  assert.is.not(campaignMessageId(7, 42), campaignMessageId(8, 42));
  assert.is(campaignMessageId(7, 42), '<campaign-7.subscriber-42@shop.test>');
  process.env.NEWSLETTERS_PUBLIC_URL = 'https://shop.test/api/v1/newsletters';
  process.env.NEWSLETTERS_UNSUBSCRIBE_MAILTO = 'leave@shop.test';
  assert.equal(unsubscribeHeaders('tok', 7), {
    'List-Unsubscribe': '<https://shop.test/api/v1/newsletters/newsletters/unsubscribe/tok?campaign=7>, <mailto:leave@shop.test?subject=unsubscribe%20tok>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
});

test.run();
