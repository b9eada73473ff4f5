import { UniqueConstraintError } from 'sequelize';
import { HttpError, emit, redisCounters, envInt, fieldError, reply, revokeToken, route, sessionOver, signToken, tooManyRequests, unauthorized, verifyToken, type Request } from '../../kit';
import { db } from '../database';
import { USER_REGISTERED } from '../events';
import { decoyHash, hashPassword, verifyPassword } from '../passwords';
import { loadUser, tokenSubject, userJson, userJsonById } from '../users';

const email = { type: 'string', format: 'email', maxLength: 255 };
const name = { type: 'string', minLength: 1, maxLength: 255 };

const loginLimits = () => ({
  perAccount: envInt('LOGIN_MAX_FAILURES_PER_ACCOUNT', 5),
  perIp: envInt('LOGIN_MAX_FAILURES_PER_IP', 20),
  windowSeconds: envInt('LOGIN_FAILURE_WINDOW_SECONDS', 900),
});

/** A new session's token. Its `iat_ms` is taken before the grants are read: a revocation made meanwhile refuses it. */
async function issueFor(userId: number) {
  const issuedAtMs = Date.now();
  const user = (await loadUser(userId))!;
  return { user: userJson(user), ...signToken(tokenSubject(user), { issuedAtMs }) };
}

export const register = route<{}, {}, { firstname: string; lastname: string; email: string; password: string; password_confirmation?: string; newsletter?: boolean }>({
  method: 'POST',
  path: '/register',
  summary: 'Create a customer account and sign in',
  access: 'public',
  body: {
    type: 'object',
    required: ['firstname', 'lastname', 'email', 'password'],
    properties: {
      firstname: name, lastname: name, email, password: { type: 'string', minLength: 8, maxLength: 255 }, password_confirmation: { type: 'string' },
      newsletter: { type: 'boolean', description: 'consent to the newsletter' },
    },
  },
  async handler({ body }) {
    if (body.password_confirmation !== undefined && body.password_confirmation !== body.password) {
      throw fieldError('password', 'The password confirmation does not match.');
    }
    const { User, Role } = db.models;
    const address = body.email.trim().toLowerCase();
    if (await User.findOne({ where: { email: address }, paranoid: false })) throw fieldError('email', 'The email has already been taken.');
    const password = await hashPassword(body.password);
    let userId: number;
    try {
      userId = await db.sequelize.transaction(async (transaction) => {
        const user = await User.create({ firstname: body.firstname.trim(), lastname: body.lastname.trim(), email: address, password, email_verified_at: null }, { transaction });
        // Whatever the body says, a new account is a customer.
        await user.addRole(await Role.findOne({ where: { name: 'customer' }, rejectOnEmpty: true, transaction }), { transaction });
        await emit(transaction, USER_REGISTERED, user.id, {
          id: user.id, firstname: user.firstname, lastname: user.lastname, email: user.email,
          newsletter_consent: body.newsletter === true, created_at: user.created_at.toISOString(),
        });
        return user.id;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw fieldError('email', 'The email has already been taken.');
      throw error;
    }
    return reply.created(await issueFor(userId));
  },
});

export const login = route<{}, {}, { email: string; password: string }>({
  method: 'POST',
  path: '/login',
  summary: 'Sign in with e-mail and password',
  access: 'public',
  response: { status: 200 },
  body: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', maxLength: 255 }, password: { type: 'string', maxLength: 255 } } },
  async handler({ body, ip }) {
    const limits = loginLimits();
    const address = body.email.trim().toLowerCase();
    const accountKey = `auth:login-failures:account:${address}`;
    const ipKey = `auth:login-failures:ip:${ip}`;
    // Each attempt is counted before the password is checked (an atomic INCR): parallel attempts
    // each see their own count, so no more than the limit are ever checked.
    const [account, fromIp] = await Promise.all([redisCounters.hit(accountKey, limits.windowSeconds), redisCounters.hit(ipKey, limits.windowSeconds)]);
    if (account.count > limits.perAccount) throw tooManyRequests(account.resetIn, 'Too many failed login attempts for this account. Try again later.');
    if (fromIp.count > limits.perIp) throw tooManyRequests(fromIp.resetIn, 'Too many failed login attempts. Try again later.');

    const user = await db.models.User.scope('withPassword').findOne({ where: { email: address } });
    const valid = await verifyPassword(body.password, user?.password ?? (await decoyHash()));
    if (!user || !valid) throw unauthorized('Invalid credentials.');
    // Only failures count: the account starts afresh, the address gets this attempt back.
    await Promise.all([redisCounters.reset(accountKey), redisCounters.forgive(ipKey)]);
    return issueFor(user.id);
  },
});

export const validateToken = route<{}, {}, { token?: string }>({
  method: 'POST',
  path: '/validate-token',
  summary: 'Tell whether a token is valid, and whose it is',
  access: 'public',
  response: { status: 200 },
  body: { type: 'object', properties: { token: { type: 'string' } } },
  async handler({ body, token }) {
    const candidate = body.token ?? token;
    if (!candidate) return { valid: false, message: 'No token given.' };
    try {
      const caller = verifyToken(candidate);
      const user = await userJsonById(caller.id);
      if (!user) return { valid: false, message: 'The user no longer exists.' };
      return { valid: true, user };
    } catch (error) {
      if (error instanceof HttpError && error.status === 503) throw error; // cannot tell yet: not "invalid"
      return { valid: false, message: (error as Error).message };
    }
  },
});

export const me = route({
  method: 'GET',
  path: '/me',
  summary: 'The signed-in user, with role and permission names',
  access: 'auth',
  async handler({ user }) {
    const found = await userJsonById(user.id);
    if (!found) throw unauthorized('The user no longer exists.');
    return found;
  },
});

async function revokeCurrent(req: Request<any, any, any>) {
  await revokeToken(req.user.jti, req.user.exp);
}

export const refresh = route({
  method: 'POST',
  path: '/refresh',
  summary: 'Exchange the token for a new one carrying the current roles (also one refused since its roles changed); the old one is revoked',
  access: 'session',
  response: { status: 200 },
  async handler(req) {
    if (sessionOver(req.user.authTime ?? 0)) throw unauthorized('The session has reached its maximum length and cannot be refreshed; sign in again.');
    const issuedAtMs = Date.now();
    const user = await loadUser(req.user.id);
    if (!user) throw unauthorized('The user no longer exists.');
    await revokeCurrent(req);
    return signToken(tokenSubject(user), { issuedAtMs, authTime: req.user.authTime });
  },
});

export const logout = route({
  method: 'POST',
  path: '/logout',
  summary: 'Revoke the token everywhere',
  access: 'auth',
  response: { status: 200 },
  async handler(req) {
    await revokeCurrent(req);
    return { message: 'Successfully logged out.' };
  },
});

export const sessionRoutes = [register, login, validateToken, me, refresh, logout];
