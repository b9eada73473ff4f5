import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    dir = dirname(dir);
  }
  return dir;
}

/** The repository, whether this runs from `scripts/` (tsx) or `dist/scripts/`. */
export const REPO_ROOT = packageRoot(__dirname);
/** Where the local runtime keeps what it makes (keys, Nginx prefix, S3 files, logs); git ignores it. */
export const LOCAL_DIR = join(REPO_ROOT, '.local');

/** A development RS256 key pair, made once. A cluster gets its keys from a Secret. */
export function ensureDevKeys(dir = join(LOCAL_DIR, 'jwt')) {
  const privateFile = join(dir, 'private.pem');
  const publicFile = join(dir, 'public.pem');
  if (!existsSync(privateFile) || !existsSync(publicFile)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return { JWT_PRIVATE_KEY_FILE: privateFile, JWT_PUBLIC_KEY_FILE: publicFile };
}
