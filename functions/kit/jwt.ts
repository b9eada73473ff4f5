import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { env, maxSessionSeconds, tokenTtlSeconds } from './config';
import { unauthorized, unavailable } from './errors';
import { revocationOf, revocationsLoaded, revocationsReady } from './revocation';

/** Who is calling, as the auth service vouched for it. */
export interface Caller {
  id: number;
  email: string;
  roles: string[];
  permissions: string[];
  jti: string;
  exp: number;
  /** When the session began (the login), epoch seconds: refresh keeps it. */
  authTime?: number;
}

interface Claims {
  sub: string;
  email: string;
  roles: string[];
  permissions: string[];
  jti: string;
  iat: number;
  /** `iat` in milliseconds: revocations compare with it, so a token issued in the same second after one still passes. */
  iat_ms?: number;
  auth_time?: number;
  exp: number;
}

const ALGORITHM = 'RS256';
const issuer = () => env('JWT_ISSUER', 'ecommerce-auth');

/** A PEM from `<NAME>` (the key itself) or `<NAME>_FILE` (a path to it). */
function pem(name: string): string | undefined {
  const inline = env(name);
  if (inline) return inline.replace(/\\n/g, '\n');
  const file = env(`${name}_FILE`);
  return file ? readFileSync(file, 'utf8') : undefined;
}

// Parsed once: jsonwebtoken re-parses a string key at every call (about 350 µs each).
let publicKey: KeyObject | undefined;
let privateKey: KeyObject | undefined;

function verificationKey(): KeyObject {
  if (!publicKey) {
    const text = pem('JWT_PUBLIC_KEY');
    if (!text) throw new Error('JWT_PUBLIC_KEY or JWT_PUBLIC_KEY_FILE must be set');
    publicKey = createPublicKey(text);
  }
  return publicKey;
}

function signingKey(): KeyObject {
  if (!privateKey) {
    const text = pem('JWT_PRIVATE_KEY');
    if (!text) throw new Error('JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set (auth only)');
    privateKey = createPrivateKey(text);
  }
  return privateKey;
}

/** Loads keys and revocations before the first request needs them. */
export async function prepareVerification(): Promise<void> {
  verificationKey();
  await revocationsReady();
}

export interface Session {
  /** When the grants the token carries were read (epoch ms, default now): revocations made after that refuse it. */
  issuedAtMs?: number;
  /** When the session began (epoch seconds, default now: a login); a refresh passes the old token's on. */
  authTime?: number;
}

export function signToken(user: { id: number; email: string; roles: string[]; permissions: string[] }, session: Session = {}) {
  const issuedAtMs = session.issuedAtMs ?? Date.now();
  const iat = Math.floor(issuedAtMs / 1000);
  const claims = { email: user.email, roles: user.roles, permissions: user.permissions, iat, iat_ms: issuedAtMs, auth_time: session.authTime ?? iat };
  const token = jwt.sign(claims, signingKey(), {
    algorithm: ALGORITHM,
    subject: String(user.id),
    issuer: issuer(),
    jwtid: randomUUID(),
    expiresIn: tokenTtlSeconds(),
  });
  return { token, token_type: 'bearer' as const, expires_in: tokenTtlSeconds() };
}

/** Whether a session that began at `authTime` (epoch seconds) is past `JWT_MAX_SESSION_SECONDS`: it may not be refreshed. */
export const sessionOver = (authTime: number) => Date.now() / 1000 - authTime >= maxSessionSeconds();

/**
 * Tokens whose signature was checked, with their claims: a client sends the same token with every
 * request, and an RS256 verification costs far more than the rest of a request's checks. Expiry
 * is checked again at each use, revocation always (in verifyToken). Bounded: the oldest entry
 * goes first.
 */
const VERIFIED_TOKENS_KEPT = 5_000;
const verified = new Map<string, Claims>();

function signedClaims(token: string): Claims {
  const known = verified.get(token);
  if (known) {
    if (known.exp * 1000 > Date.now()) return known;
    verified.delete(token);
    throw unauthorized('Token has expired.');
  }
  let claims: Claims;
  try {
    claims = jwt.verify(token, verificationKey(), { algorithms: [ALGORITHM], issuer: issuer() }) as Claims;
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw unauthorized(expired ? 'Token has expired.' : 'Token is invalid.');
  }
  if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
  verified.set(token, claims);
  return claims;
}

/**
 * The caller behind a token, or 401: bad signature, other algorithm, `none`, expired or revoked.
 * `allowStaleGrants` lets through a token revoked only because its grants changed (auth's refresh,
 * which answers one with the current grants; SPEC: a token reflects the roles after refresh).
 * Until this process has read the revocations once (Redis down at its start) a sound token gets
 * 503 with Retry-After: it may have been revoked (fail closed).
 */
export function verifyToken(token: string, { allowStaleGrants = false } = {}): Caller {
  const claims = signedClaims(token);
  if (!revocationsLoaded()) {
    throw unavailable('Token revocations are not known yet; try again shortly.', 1);
  }
  const caller = {
    id: Number(claims.sub),
    email: claims.email,
    roles: claims.roles ?? [],
    permissions: claims.permissions ?? [],
    jti: claims.jti,
    exp: claims.exp,
    authTime: claims.auth_time ?? claims.iat ?? 0,
  };
  // Tokens from before `iat_ms` existed count from the start of their second (refused rather than kept).
  const issuedAtMs = typeof claims.iat_ms === 'number' ? claims.iat_ms : (claims.iat ?? 0) * 1000;
  const revocation = revocationOf({ ...caller, sub: claims.sub, issuedAtMs });
  if (revocation === 'session' || (revocation === 'grants' && !allowStaleGrants)) throw unauthorized('Token has been revoked.');
  return caller;
}

export const isSuperAdmin = (caller: Caller) => caller.roles.includes('super-admin');

export function hasPermission(caller: Caller, permission: string): boolean {
  return isSuperAdmin(caller) || caller.permissions.includes(permission);
}

/**
 * Whether a permission opens everyone's data to the caller. Customers hold some permissions
 * (`orders.view`) for their own data only, so it takes a role other than `customer` (staff:
 * admin, manager, support, merchant, super-admin) as well.
 */
export const hasStaffPermission = (caller: Caller, permission: string): boolean =>
  isSuperAdmin(caller) || (hasPermission(caller, permission) && caller.roles.some((role) => role !== 'customer'));
