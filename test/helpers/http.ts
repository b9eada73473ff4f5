import { request as httpRequest } from 'node:http';

export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is, not JSON-encoded. */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * A tiny HTTP client for tests: JSON in, JSON out, nothing hidden. `localAddress` (another
 * loopback address, 127.0.0.2...) makes it a client of its own for per-IP rate limits.
 */
export function client(base: string, localAddress?: string) {
  return function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    // The target goes out exactly as written (`//x`, `%65`, `..` included): tests of path spellings need that.
    const { hostname, port } = new URL(base);
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    // Node sends a DELETE body without framing unless its length is given.
    if (payload !== undefined) headers['content-length'] ??= String(Buffer.byteLength(payload));
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ hostname, port, path, method, headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      });
      req.on('error', reject);
      req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };
}

export type Call = ReturnType<typeof client>;

let counter = 0;
export const uniqueEmail = (tag = 'user') => `${tag}.${process.pid}.${Date.now()}.${++counter}@example.com`;

/** The seeded administrator's token, signed in through the gateway (`call` goes to Nginx or the gateway). */
export async function adminToken(call: Call): Promise<string> {
  const login = await call('POST', '/api/v1/auth/login', { body: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } });
  if (login.status !== 200) throw new Error(`the administrator's login answered ${login.status}: ${login.text}`);
  return login.body.token;
}
