// One-shot `jwt-keys` service of docker-compose.yml: puts the RS256 pair auth signs with and every
// function verifies with into two volumes, the private key in one that only auth mounts.
//   1. deploy/compose/jwt/{private,public}.pem, when both are there (mounted at /keys/provided);
//   2. else the pair already in the volumes (kept across `docker compose up`);
//   3. else a new pair.
// Runs as root (the volumes start root-owned) and hands the files to the functions' user, 1000.
'use strict';
const { createPrivateKey, createPublicKey, generateKeyPairSync } = require('node:crypto');
const { chmodSync, chownSync, existsSync, readFileSync, writeFileSync } = require('node:fs');

const { join } = require('node:path');

// KEYS_DIR and KEYS_OWNER ('' = leave the owner alone) let the tests run it in a temporary folder.
const DIR = process.env.KEYS_DIR || '/keys';
const OWNER = process.env.KEYS_OWNER ?? '1000';
const PROVIDED = { privateKey: join(DIR, 'provided', 'private.pem'), publicKey: join(DIR, 'provided', 'public.pem') };
const TARGET = { privateKey: join(DIR, 'private', 'private.pem'), publicKey: join(DIR, 'public', 'public.pem') };

const readPair = (files) =>
  existsSync(files.privateKey) && existsSync(files.publicKey)
    ? { privateKey: readFileSync(files.privateKey, 'utf8'), publicKey: readFileSync(files.publicKey, 'utf8') }
    : undefined;

/** The public key must be the private key's, or every token auth signs would be refused. */
function checkPair(pair, where) {
  const derived = createPublicKey(createPrivateKey(pair.privateKey)).export({ type: 'spki', format: 'pem' });
  const given = createPublicKey(pair.publicKey).export({ type: 'spki', format: 'pem' });
  if (derived !== given) throw new Error(`${where}: public.pem is not the public key of private.pem`);
  return pair;
}

let pair = readPair(PROVIDED);
let origin = 'deploy/compose/jwt/';
if (pair) checkPair(pair, origin);
else if ((pair = readPair(TARGET))) (origin = 'the existing volumes'), checkPair(pair, origin);
else {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  pair = {
    privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }),
  };
  origin = 'a new pair';
}

writeFileSync(TARGET.privateKey, pair.privateKey);
writeFileSync(TARGET.publicKey, pair.publicKey);
if (OWNER !== '') {
  chownSync(TARGET.privateKey, Number(OWNER), Number(OWNER));
  chownSync(TARGET.publicKey, Number(OWNER), Number(OWNER));
}
chmodSync(TARGET.privateKey, 0o400);
chmodSync(TARGET.publicKey, 0o444);
console.log(`jwt-keys: RS256 keys from ${origin}`);
