import { randomUUID } from 'node:crypto';
import type { Client } from 'minio';
import { DataTypes, QueryTypes, type QueryInterface, type Transaction } from 'sequelize';
import { env, envInt } from './config';
import { invalid, tooManyRequests } from './errors';
import { log } from './log';
import { placeholders } from './sql';
import type { Migration } from './db';
import type { ServiceDatabase } from './database';
import { onTick } from './events/ticks';
import { presignV4 } from './presign';

/**
 * Files go straight from the client to MinIO through presigned URLs; a function only hands out
 * the URL for a key it chose, signed for the declared type and size, and records it as waiting.
 * At confirmation it checks what arrived (the size and stored type declared, magic bytes) before
 * the service records it, and deletes whatever fails; the tick removes what is never confirmed.
 * Locally s3rver stands in for MinIO (it checks no V4 signature: there the confirmation alone
 * refuses another type or size).
 */
export type Bucket = 'products' | 'sav' | 'newsletters';

const MB = 1024 * 1024;
const IMAGES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
export const UPLOAD_RULES: Record<Bucket, { types: string[]; maxBytes: number }> = {
  products: { types: IMAGES, maxBytes: 5 * MB },
  sav: { types: [...IMAGES, 'application/pdf', 'text/plain'], maxBytes: 10 * MB },
  newsletters: { types: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 5 * MB },
};

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

/** What the first bytes of each allowed type look like. */
function sniff(head: Buffer): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (isPlainText(head)) return 'text/plain';
  return undefined;
}

function isPlainText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  const text = head.toString('utf8');
  // A cut multi-byte character at the end of the sample is fine; anything else undecodable is not text.
  return !text.slice(0, -1).includes('\uFFFD') && !/^\s*<(!doctype|html|svg|\?xml)/i.test(text);
}

const accessKey = () => env('S3_ACCESS_KEY', 'S3RVER');
const secretKey = () => env('S3_SECRET_KEY', 'S3RVER');
const region = () => env('S3_REGION', 'us-east-1');

/** One client per endpoint, made on first use (settings are read at each call: tests move them). */
const clients = new Map<string, Client>();

function clientFor(url: string): Client {
  const known = clients.get(url);
  if (known) return known;
  const endpoint = new URL(url);
  // Loaded on the first file operation: a function that never touches a file never pays for it.
  const { Client: MinioClient } = require('minio') as typeof import('minio');
  const client = new MinioClient({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
    useSSL: endpoint.protocol === 'https:',
    accessKey: accessKey(),
    secretKey: secretKey(),
    // Known region: presigning is then pure computation, no request to the server.
    region: region(),
    pathStyle: true,
  });
  clients.set(url, client);
  return client;
}

const internalEndpoint = () => env('S3_ENDPOINT', 'http://127.0.0.1:9000');

/** The object store as functions reach it (S3_ENDPOINT). */
export const storage = (): Client => clientFor(internalEndpoint());

/**
 * What signs the URLs handed to clients: a signature covers the host, so it must be the one clients
 * reach (S3_PUBLIC_ENDPOINT, e.g. http://localhost:9000 when functions reach minio:9000).
 */
const publicEndpoint = () => env('S3_PUBLIC_ENDPOINT') ?? internalEndpoint();
const publicSigner = (): Client => clientFor(publicEndpoint());

const URL_TTL_SECONDS = () => envInt('PRESIGNED_URL_TTL_SECONDS', 15 * 60);
/** How long an upload URL's object may wait for its confirmation before the tick removes it. */
const UPLOAD_TTL_MINUTES = () => envInt('UPLOAD_TTL_MINUTES', 60);
/** How many uploads one caller may have waiting for confirmation in one bucket. */
const MAX_PENDING = () => envInt('UPLOAD_MAX_PENDING', 20);

/** When a presigned URL made now stops working. */
export const expiresAt = () => new Date(Date.now() + URL_TTL_SECONDS() * 1000).toISOString();

/** The JSON Schema of an upload-url request: `{ filename, content_type, size }`. */
export const uploadRequestSchema = (bucket: Bucket) => ({
  type: 'object',
  required: ['filename', 'content_type', 'size'],
  properties: {
    filename: { type: 'string', minLength: 1, maxLength: 255 },
    content_type: { type: 'string', enum: UPLOAD_RULES[bucket].types },
    size: { type: 'integer', minimum: 1, maximum: UPLOAD_RULES[bucket].maxBytes },
  },
});

/** What an upload-url route answers (SPEC's `{ url, method, headers, key, expires_at }`), for the OpenAPI document. */
export const uploadUrlResponse = {
  status: 200,
  description: 'A presigned PUT, 15 minutes: send exactly `headers` (the signature covers Content-Type and Content-Length), then confirm with the key. '
    + 'A caller with UPLOAD_MAX_PENDING (20) uploads waiting for confirmation gets 429.',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string' }, method: { type: 'string', const: 'PUT' }, key: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' },
      headers: { type: 'object', properties: { 'Content-Type': { type: 'string' }, 'Content-Length': { type: 'string' } } },
    },
  },
};

/** `{ key }`, the body that confirms an upload. */
export const uploadConfirmSchema = { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 500 } } };

export interface UploadRequest {
  content_type: string;
  size: number;
}

export interface StoredFile {
  key: string;
  size: number;
  mime_type: string;
}

/**
 * The kit's table of upload URLs handed out and not yet confirmed, in the database of each
 * service with uploads (listed first in its migrations).
 */
export const pendingUploadsMigration: Migration = {
  name: '000-kit-pending-uploads',
  async up(queryInterface: QueryInterface) {
    await queryInterface.createTable('pending_uploads', {
      id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
      bucket: { type: DataTypes.STRING(63), allowNull: false },
      key: { type: DataTypes.STRING(255), allowNull: false },
      owner: { type: DataTypes.STRING(64), allowNull: false },
      content_type: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      expires_at: { type: DataTypes.DATE(3), allowNull: false },
    });
    await queryInterface.addIndex('pending_uploads', ['bucket', 'key'], { name: 'pending_uploads_key', unique: true });
    await queryInterface.addIndex('pending_uploads', ['bucket', 'owner'], { name: 'pending_uploads_owner' });
    await queryInterface.addIndex('pending_uploads', ['bucket', 'created_at'], { name: 'pending_uploads_age' });
  },
  async down(queryInterface: QueryInterface) {
    await queryInterface.dropTable('pending_uploads');
  },
};

export interface Uploads {
  /**
   * A presigned PUT for `<entity>/<id>/<uuid>.<ext>`, valid 15 minutes, whose signature covers the
   * declared `Content-Type` and `Content-Length` (MinIO refuses a PUT with others). It is recorded
   * as waiting for confirmation; `owner` may have at most UPLOAD_MAX_PENDING waiting (else 429).
   */
  createUrl(owner: string | number, entity: string, id: string | number, request: UploadRequest): Promise<UploadTarget>;
  /**
   * Checks a waiting upload before the caller records it: under `prefix`, stored with the size
   * and type declared for its URL, its bytes of that type. A failure deletes the object and
   * answers 422 naming the field (`size`, `content_type`, `file`).
   */
  confirm(key: string, prefix: string): Promise<StoredFile>;
  /** Removes the objects of uploads not confirmed within UPLOAD_TTL_MINUTES (run by the tick); answers how many. */
  sweep(now?: Date): Promise<number>;
}

export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  key: string;
  expires_at: string;
}

interface Pending {
  content_type: string;
  size: number;
}

const SWEEP_BATCH = 100;

/** A service's uploads into `bucket`, kept in its database; unconfirmed ones are swept on each tick. */
export function uploadsFor(database: ServiceDatabase<unknown>, bucket: Bucket): Uploads {
  const query = <T extends object>(sql: string, replacements: unknown[], transaction?: Transaction): Promise<T[]> =>
    database.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
  const write = (sql: string, replacements: unknown[], transaction?: Transaction) => database.sequelize.query(sql, { replacements, transaction });

  const uploads: Uploads = {
    async createUrl(owner, entity, id, request) {
      const key = `${entity}/${id}/${randomUUID()}.${EXTENSIONS[request.content_type]}`;
      const now = new Date();
      const expires = new Date(now.getTime() + URL_TTL_SECONDS() * 1000);
      await write('INSERT INTO pending_uploads (bucket, `key`, owner, content_type, size, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        bucket, key, String(owner), request.content_type, request.size, now, expires,
      ]);
      // Counted after the insert: concurrent requests may all be refused, never more accepted than the bound.
      const [{ count, oldest }] = await query<{ count: number; oldest: Date }>(
        'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM pending_uploads WHERE bucket = ? AND owner = ?', [bucket, String(owner)],
      );
      if (Number(count) > MAX_PENDING()) {
        await write('DELETE FROM pending_uploads WHERE bucket = ? AND `key` = ?', [bucket, key]);
        const retryAfter = (new Date(oldest).getTime() + UPLOAD_TTL_MINUTES() * 60_000 - now.getTime()) / 1000;
        throw tooManyRequests(retryAfter, `You have ${MAX_PENDING()} uploads waiting for confirmation: confirm them first (unconfirmed uploads are removed after ${UPLOAD_TTL_MINUTES()} minutes).`);
      }
      const headers = { 'Content-Type': request.content_type, 'Content-Length': String(request.size) };
      const url = presignV4({
        method: 'PUT', endpoint: new URL(publicEndpoint()), segments: [bucket, ...key.split('/')], headers,
        accessKey: accessKey(), secretKey: secretKey(), region: region(), expiresSeconds: URL_TTL_SECONDS(), date: now,
      });
      return { url, method: 'PUT', headers, key, expires_at: expires.toISOString() };
    },

    async confirm(key, prefix) {
      if (!key.startsWith(prefix) || key.includes('..')) throw invalid({ key: ['The key does not belong to this resource.'] });
      // The row stays locked while the object is checked: the sweep skips it, a second confirmation waits.
      const outcome = await database.sequelize.transaction(async (transaction): Promise<Refusal | { stored: StoredFile }> => {
        const [pending] = await query<Pending>('SELECT content_type, size FROM pending_uploads WHERE bucket = ? AND `key` = ? FOR UPDATE', [bucket, key], transaction);
        if (!pending) return { field: 'key', message: 'No upload waits under this key: it was never issued, is already recorded, or expired.' };
        const stat = await statOf(bucket, key);
        // The record stays: the client may still PUT the file while its URL lives.
        if (!stat) return { field: 'key', message: 'No file was uploaded under this key.' };
        const refusal = await refusalOf(bucket, key, stat, pending);
        if (refusal) await storage().removeObject(bucket, key);
        await write('DELETE FROM pending_uploads WHERE bucket = ? AND `key` = ?', [bucket, key], transaction);
        return refusal ?? { stored: { key, size: stat.size, mime_type: pending.content_type } };
      });
      if ('stored' in outcome) return outcome.stored;
      throw invalid({ [outcome.field]: [outcome.message] });
    },

    async sweep(now = new Date()) {
      const createdBefore = new Date(now.getTime() - UPLOAD_TTL_MINUTES() * 60_000);
      let removed = 0;
      for (;;) {
        const count = await database.sequelize.transaction(async (transaction) => {
          // Only once its URL has expired too, whatever the TTL says: no PUT can follow the removal.
          const rows = await query<{ id: string; key: string }>(
            'SELECT id, `key` FROM pending_uploads WHERE bucket = ? AND created_at <= ? AND expires_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
            [bucket, createdBefore, now, SWEEP_BATCH], transaction,
          );
          if (!rows.length) return 0;
          await removeFiles(bucket, rows.map((row) => row.key));
          await write(`DELETE FROM pending_uploads WHERE id IN (${placeholders(rows.length)})`, rows.map((row) => row.id), transaction);
          return rows.length;
        });
        removed += count;
        if (count < SWEEP_BATCH) return removed;
      }
    },
  };
  onTick(database, `unconfirmed ${bucket} uploads`, async () => {
    const removed = await uploads.sweep();
    if (removed) log.info({ bucket, removed }, 'removed uploads never confirmed');
  });
  return uploads;
}

async function statOf(bucket: Bucket, key: string): Promise<{ size: number; type?: string } | undefined> {
  try {
    const stat = await storage().statObject(bucket, key);
    return { size: stat.size, type: (stat.metaData as Record<string, string | undefined>)['content-type'] };
  } catch (error) {
    if (['NotFound', 'NoSuchKey'].includes((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

interface Refusal {
  field: string;
  message: string;
}

/** Why a stored object is not the file its URL was issued for, or undefined when it is. */
async function refusalOf(bucket: Bucket, key: string, stat: { size: number; type?: string }, declared: Pending): Promise<Refusal | undefined> {
  const rules = UPLOAD_RULES[bucket];
  if (stat.size > rules.maxBytes) return { field: 'size', message: `The file may not be larger than ${rules.maxBytes / MB} MB.` };
  if (stat.size !== Number(declared.size)) return { field: 'size', message: `The file has ${stat.size} bytes, not the ${declared.size} declared.` };
  if (stat.type !== declared.content_type) return { field: 'content_type', message: `The file was stored as ${stat.type ?? 'no type'}, not as the declared ${declared.content_type}.` };
  const actual = sniff(await readHead(bucket, key, 512));
  if (!actual || !rules.types.includes(actual)) return { field: 'file', message: 'The file is not of an allowed type.' };
  if (actual !== declared.content_type) return { field: 'file', message: `The file's content is not ${declared.content_type}.` };
  // The first bytes say little about a text file: all of it must be UTF-8 without NUL bytes.
  if (actual === 'text/plain' && !(await isTextThroughout(bucket, key))) return { field: 'file', message: 'The file is not plain UTF-8 text.' };
  return undefined;
}

async function isTextThroughout(bucket: Bucket, key: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of await storage().getObject(bucket, key)) {
      if ((chunk as Buffer).includes(0)) return false;
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

async function readHead(bucket: Bucket, key: string, length: number): Promise<Buffer> {
  const stream = await storage().getPartialObject(bucket, key, 0, length);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).subarray(0, length);
}

/**
 * A presigned GET, 15 minutes; `attachmentName` makes browsers download rather than display, and
 * `contentType` (the checked type) overrides whatever type the uploader's PUT claimed.
 */
export function downloadUrl(bucket: Bucket, key: string, attachmentName?: string, contentType?: string): Promise<string> {
  const headers: Record<string, string> = {};
  if (attachmentName) headers['response-content-disposition'] = attachmentDisposition(attachmentName);
  if (contentType) headers['response-content-type'] = contentType;
  return publicSigner().presignedGetObject(bucket, key, URL_TTL_SECONDS(), Object.keys(headers).length ? headers : undefined);
}

/**
 * `attachment` with the sanitized name: an ASCII `filename` every client reads, and RFC 5987's
 * `filename*` with the UTF-8 name when it has other characters (a header value is ASCII).
 */
export function attachmentDisposition(name: string): string {
  const clean = sanitizeFilename(name);
  const stripped = clean.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/[\\%]/g, '').trim();
  // Nothing but an extension left (a name all in another script): `file.txt`.
  const ascii = !stripped || stripped.startsWith('.') ? `file${stripped}` : stripped;
  if (ascii === clean) return `attachment; filename="${clean}"`;
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Deletes objects (gone already is fine); throws when the store could not delete one. */
export async function removeFiles(bucket: Bucket, keys: string[]): Promise<void> {
  if (!keys.length) return;
  const failures = (await storage().removeObjects(bucket, keys)) as Array<{ Key?: string; Code?: string }>;
  if (failures.length) throw new Error(`could not remove ${failures.length} object(s) from ${bucket}: ${failures[0].Key} (${failures[0].Code})`);
}

/** A file name safe to store and to put in a header: no path, no control or quote characters. */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.normalize('NFKC').replace(/[\u0000-\u001f\u007f"<>:|?*;]/g, '').replace(/\s+/g, ' ').replace(/^\.+/, '').trim();
  return clean.slice(0, 200) || 'file';
}
