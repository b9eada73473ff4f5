import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { env, envInt, serviceUrl, type ServiceName } from '../functions/kit/config';
import { HttpError } from '../functions/kit/errors';
import { proxyCredential } from '../functions/kit/credentials';
import { PROXY_TOKEN_HEADER, drainRequest } from '../functions/kit/http';

/** Headers that belong to one connection, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

const maxConcurrent = () => envInt('GATEWAY_MAX_CONCURRENT_PER_SERVICE', 256);
const timeoutMs = (service: ServiceName) => envInt(`GATEWAY_TIMEOUT_MS_${service.toUpperCase()}`, envInt('GATEWAY_TIMEOUT_MS', 30_000));

interface Upstream {
  url: URL;
  agent: Agent;
  active: number;
}

const upstreams = new Map<ServiceName, Upstream>();

function upstream(service: ServiceName): Upstream {
  let found = upstreams.get(service);
  if (!found) {
    const agent = new Agent({ keepAlive: true, maxSockets: maxConcurrent(), keepAliveMsecs: 1000, timeout: 60_000 });
    upstreams.set(service, (found = { url: new URL(serviceUrl(service)), agent, active: 0 }));
  }
  return found;
}

/** What the service is told: the client address the gateway vouches for (with the proxy credential), never the caller's own claim. */
function forwardedHeaders(headers: IncomingHttpHeaders, requestId: string, clientIp: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  // A chunked body stays chunked on this hop: Node frames no body of a DELETE, GET or OPTIONS by itself.
  if (headers['transfer-encoding'] && !headers['content-length']) out['transfer-encoding'] = 'chunked';
  out['x-request-id'] = requestId;
  out['x-real-ip'] = clientIp;
  const proxyToken = proxyCredential();
  if (proxyToken) out[PROXY_TOKEN_HEADER] = proxyToken;
  else delete out[PROXY_TOKEN_HEADER];
  if (!out['x-forwarded-for'] || out['x-real-ip'] !== headers['x-real-ip']) out['x-forwarded-for'] = clientIp;
  out['x-forwarded-prefix'] ??= env('GATEWAY_PUBLIC_PREFIX', '/api/v1');
  return out;
}

/**
 * Streams the request to the service and its answer back: no buffering, keep-alive sockets,
 * a bound on concurrent calls per service (503 beyond it), a timeout (504), and a quick
 * 503 when nothing listens (502 when the service breaks the exchange).
 */
export function forward(req: IncomingMessage, res: ServerResponse, service: ServiceName, path: string, requestId: string, clientIp: string): Promise<void> {
  const target = upstream(service);
  if (target.active >= maxConcurrent()) {
    return Promise.reject(new HttpError(503, `The ${service} service is busy; try again shortly.`, undefined, { 'Retry-After': '1' }));
  }
  target.active++;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: HttpError) => {
      if (settled) return;
      settled = true;
      target.active--;
      // The service may answer before it has read the whole body: the rest must not stay in the client's connection.
      req.unpipe(upstreamReq);
      drainRequest(req);
      error ? reject(error) : resolve();
    };
    const upstreamReq = httpRequest({
      protocol: target.url.protocol,
      hostname: target.url.hostname,
      port: target.url.port,
      method: req.method,
      path,
      headers: forwardedHeaders(req.headers, requestId, clientIp),
      agent: target.agent,
    });
    upstreamReq.setTimeout(timeoutMs(service), () => {
      upstreamReq.destroy();
      finish(new HttpError(504, `The ${service} service did not answer in time.`));
    });
    upstreamReq.on('response', (upstreamRes) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstreamRes.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      headers['x-request-id'] = requestId;
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      upstreamRes.pipe(res);
      upstreamRes.on('end', () => finish());
      upstreamRes.on('error', () => {
        res.destroy();
        finish();
      });
    });
    upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (res.headersSent) {
        res.destroy();
        return finish();
      }
      const down = error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EHOSTUNREACH';
      finish(down ? new HttpError(503, `The ${service} service is unavailable.`) : new HttpError(502, `The ${service} service failed to answer.`));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
      finish();
    });
    req.pipe(upstreamReq);
  });
}

export function closeUpstreams(): void {
  for (const { agent } of upstreams.values()) agent.destroy();
}
