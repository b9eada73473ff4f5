import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature V4 in the query string (a presigned URL), signing the host and the `headers`
 * given: the server refuses a request whose signed headers differ (MinIO and S3 do; s3rver checks
 * no V4 signature at all). The minio client cannot do this: its presigner signs the host only
 * (it leaves `content-type` and `content-length` out of the signed headers on purpose), so a
 * presigned PUT from it takes any type and any size. The steps are those of
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html; the test checks
 * them against that page's example and against the minio client's own URLs.
 */
export interface Presign {
  method: 'GET' | 'PUT';
  /** Where clients send the request (scheme, host, port). */
  endpoint: URL;
  /** The path's segments, not encoded: `[bucket, ...key.split('/')]` for a path-style URL. */
  segments: string[];
  /** Headers the client must send with exactly these values (names in any case). */
  headers?: Record<string, string>;
  accessKey: string;
  secretKey: string;
  region: string;
  expiresSeconds: number;
  date?: Date;
}

/** RFC 3986 percent-encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export function presignV4(request: Presign): string {
  const date = request.date ?? new Date();
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20130524T000000Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const headers = new Map<string, string>([['host', request.endpoint.host]]);
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name.toLowerCase(), String(value).trim().replace(/\s+/g, ' '));
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const query = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${request.accessKey}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(request.expiresSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
  };
  const canonicalQuery = Object.entries(query).map(([k, v]) => [encode(k), encode(v)]).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const path = `/${request.segments.map(encode).join('/')}`;
  const canonicalRequest = [
    request.method, path, canonicalQuery, names.map((name) => `${name}:${headers.get(name)}\n`).join(''), signedHeaders, 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${request.secretKey}`, day), request.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `${request.endpoint.protocol}//${request.endpoint.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
