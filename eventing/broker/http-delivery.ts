import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export interface HttpResult {
  /** The HTTP status, or undefined when no answer came (network error, timeout). */
  status?: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Why no answer came. */
  error?: string;
}

/** Replies larger than this are cut: nobody should reply with a bigger event. */
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Keep-alive agents shared by every dispatcher of one broker. */
export class HttpSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 512 });

  async post(url: string, headers: OutgoingHttpHeaders, body: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<HttpResult> {
    const first = await this.postOnce(url, headers, body, timeoutMs, signal);
    // A kept-alive socket the server closed just as we reused it: that attempt never reached the
    // subscriber, so it does not count as one.
    if (first.reusedSocketReset) return this.postOnce(url, headers, body, timeoutMs, signal);
    return first;
  }

  /** Subscriber URLs are few and used for every event: parse each once. */
  private readonly targets = new Map<string, { protocol: string; hostname: string; port: string; path: string }>();

  private target(url: string) {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { protocol: parsed.protocol, hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port, path: parsed.pathname + parsed.search };
      this.targets.set(url, target);
    }
    return target;
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private postOnce(
    url: string,
    headers: OutgoingHttpHeaders,
    body: Buffer,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<HttpResult & { reusedSocketReset?: boolean }> {
    return new Promise((resolve) => {
      const target = this.target(url);
      const secure = target.protocol === 'https:';
      let settled = false;
      const finish = (result: HttpResult & { reusedSocketReset?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const request = (secure ? https : http).request({
        ...target,
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, 'content-length': body.length },
      });
      const timer = setTimeout(() => {
        request.destroy();
        finish({ headers: {}, body: Buffer.alloc(0), error: `timeout after ${timeoutMs} ms` });
      }, timeoutMs);
      const onAbort = () => {
        request.destroy();
        finish({ headers: {}, body: Buffer.alloc(0), error: 'aborted' });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error: NodeJS.ErrnoException) => {
        finish({
          headers: {},
          body: Buffer.alloc(0),
          error: error.code ?? error.message,
          reusedSocketReset: request.reusedSocket && error.code === 'ECONNRESET',
        });
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('end', () => finish({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', (error: Error) =>
          finish({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks), error: error.message }),
        );
      });
      if (signal?.aborted) onAbort();
      else request.end(body);
    });
  }
}
