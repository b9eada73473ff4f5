/**
 * The reference for auth's GET /me: bare fastify + mysql2 doing the same work. It verifies the
 * same RS256 token with jsonwebtoken against a KeyObject built once, then reads the user by primary
 * key with its role and permission names (the joins Sequelize makes for `loadUser`) through a
 * prepared statement on a pool of 10. Runs as a child process of auth-me.ts (PORT from the env).
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { USER_WITH_GRANTS, poolOptions, userFromRows, type GrantRow } from './user-sql';

const publicKey = createPublicKey(readFileSync(process.env.JWT_PUBLIC_KEY_FILE!, 'utf8'));
const issuer = process.env.JWT_ISSUER || 'ecommerce-auth';
const pool = mysql.createPool(poolOptions('auth'));
const app = Fastify();

app.get('/ping', async () => ({ ok: true }));

app.get('/me', async (request, reply) => {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  let claims: jwt.JwtPayload;
  try {
    claims = jwt.verify(token ?? '', publicKey, { algorithms: ['RS256'], issuer }) as jwt.JwtPayload;
  } catch {
    return reply.code(401).send({ message: 'Unauthenticated.' });
  }
  const [rows] = await pool.execute<RowDataPacket[]>(USER_WITH_GRANTS, [Number(claims.sub)]);
  return userFromRows(rows as GrantRow[]) ?? reply.code(401).send({ message: 'The user no longer exists.' });
});

app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) }).then(
  () => process.on('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0))),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
