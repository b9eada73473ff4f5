import { randomUUID } from 'node:crypto';
import type { Client } from 'minio';
import { env, envInt } from './config';
import { invalid } from './errors';

/**
 * Files go straight from the client to MinIO through presigned URLs; a function only hands out
 * the URL for a key it chose, then checks what arrived (size, declared type, magic bytes)
 * before recording it, and deletes whatever fails. Locally s3rver stands in for MinIO.
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
    accessKey: env('S3_ACCESS_KEY', 'S3RVER'),
    secretKey: env('S3_SECRET_KEY', 'S3RVER'),
    // Known region: presigning is then pure computation, no request to the server.
    region: env('S3_REGION', 'us-east-1'),
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
const publicSigner = (): Client => clientFor(env('S3_PUBLIC_ENDPOINT') ?? internalEndpoint());

const URL_TTL_SECONDS = () => envInt('PRESIGNED_URL_TTL_SECONDS', 15 * 60);

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

/** `{ key }`, the body that confirms an upload. */
export const uploadConfirmSchema = { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 500 } } };

/** A presigned PUT for `<entity>/<id>/<uuid>.<ext>`, valid 15 minutes. */
export async function createUploadUrl(bucket: Bucket, entity: string, id: string | number, request: { content_type: string }) {
  const key = `${entity}/${id}/${randomUUID()}.${EXTENSIONS[request.content_type]}`;
  const url = await publicSigner().presignedPutObject(bucket, key, URL_TTL_SECONDS());
  return { url, method: 'PUT', headers: { 'Content-Type': request.content_type }, key, expires_at: expiresAt() };
}

export interface StoredFile {
  key: string;
  size: number;
  mime_type: string;
}

/**
 * Checks an uploaded object before it is recorded: it must be under the entity's prefix, within
 * the bucket's size limit, and its first bytes must be an allowed type (and the declared one,
 * when given). Anything that fails is deleted and answered 422.
 */
export async function confirmUpload(bucket: Bucket, key: string, prefix: string, declaredType?: string): Promise<StoredFile> {
  if (!key.startsWith(prefix) || key.includes('..')) throw invalid({ key: ['The key does not belong to this resource.'] });
  let size: number;
  try {
    size = (await storage().statObject(bucket, key)).size;
  } catch {
    throw invalid({ key: ['No file was uploaded under this key.'] });
  }
  const rules = UPLOAD_RULES[bucket];
  const reject = async (message: string): Promise<never> => {
    await storage().removeObject(bucket, key).catch(() => undefined);
    throw invalid({ file: [message] });
  };
  if (size > rules.maxBytes) return reject(`The file may not be larger than ${rules.maxBytes / MB} MB.`);
  const head = await readHead(bucket, key, 512);
  const actual = sniff(head);
  const expected = declaredType ?? Object.keys(EXTENSIONS).find((type) => key.endsWith(`.${EXTENSIONS[type]}`));
  if (!actual || !rules.types.includes(actual)) return reject('The file is not of an allowed type.');
  if (expected && actual !== expected) return reject(`The file's content is not ${expected}.`);
  // The first bytes say little about a text file: all of it must be UTF-8 without NUL bytes.
  if (actual === 'text/plain' && !(await isTextThroughout(bucket, key))) return reject('The file is not plain UTF-8 text.');
  return { key, size, mime_type: actual };
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

export async function removeFiles(bucket: Bucket, keys: string[]): Promise<void> {
  if (keys.length) await storage().removeObjects(bucket, keys);
}

/** A file name safe to store and to put in a header: no path, no control or quote characters. */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.normalize('NFKC').replace(/[\u0000-\u001f\u007f"<>:|?*;]/g, '').replace(/\s+/g, ' ').replace(/^\.+/, '').trim();
  return clean.slice(0, 200) || 'file';
}
