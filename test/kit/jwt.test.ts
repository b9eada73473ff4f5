import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { HttpError } from '../../functions/kit/errors';
import { prepareVerification, signToken, verifyToken } from '../../functions/kit/jwt';
import { revokeToken } from '../../functions/kit/revocation';

/** A token's signature is checked once and remembered; what can change afterwards is checked at every use. */
const it = suite('kit: token verification');
it.before(() => prepareVerification());

const refusal = (token: string) => {
  try {
    verifyToken(token);
    return undefined;
  } catch (error) {
    assert.instance(error, HttpError);
    return `${(error as HttpError).status} ${(error as HttpError).message}`;
  }
};

it('a token accepted once is refused once it expires', async () => {
  const key = createPrivateKey(readFileSync(process.env.JWT_PRIVATE_KEY_FILE!, 'utf8'));
  const exp = Math.floor(Date.now() / 1000) + 1;
  const token = jwt.sign({ email: 'soon@example.com', roles: [], permissions: [], exp }, key, { algorithm: 'RS256', subject: '77', issuer: 'ecommerce-auth', jwtid: randomUUID() });
  assert.is(verifyToken(token).id, 77);
  await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
  assert.is(refusal(token), '401 Token has expired.');
});

it('a token accepted once is refused once revoked, and a forged variant of it is never accepted', async () => {
  const { token } = signToken({ id: 78, email: 'later@example.com', roles: ['customer'], permissions: [] });
  const caller = verifyToken(token);
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['super-admin'] })).toString('base64url')}.${token.split('.')[2]}`;
  assert.is(refusal(forged), '401 Token is invalid.');
  await revokeToken(caller.jti, caller.exp);
  assert.is(refusal(token), '401 Token has been revoked.');
});

it.run();
