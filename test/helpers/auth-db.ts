import { migrateAndSeed } from '../../functions/kit/db';
import { migrationsOf } from '../../functions/kit/service';
import { auth } from '../../functions/auth';
import { db } from '../../functions/auth/database';

/**
 * Migrates and seeds auth's test database; its users get ids from 100,000 on. A change of a user's
 * grants revokes every token of that user id in the whole test process, and other suites sign
 * tokens by hand (at load, before any test runs) for small made-up ids (1–9, and from 1,000,000):
 * a real test user must never share one.
 */
export async function migrateAuth(): Promise<void> {
  await migrateAndSeed('auth', migrationsOf(auth), auth.seeds!);
  await db.sequelize.query('ALTER TABLE users AUTO_INCREMENT = 100000');
}
