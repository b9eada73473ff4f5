/**
 * Serves one registered function (FUNCTION_TARGET) on PORT with node:http. The functions are
 * registered through functions-framework (the kit keeps the same functions in its own map, so the
 * host need not load the framework's Express-based testing module), so `functions-framework
 * --target` serves the same code; this host skips the framework's Express stack, which costs about
 * 250 µs of CPU per request (see bench/RESULTS.md), and stops cleanly on SIGTERM.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { env, envInt } from './kit/config';
import { log } from './kit/log';
import { exitWithParent, runShutdownHooks } from './kit/lifecycle';
import { isClusterFunctionName, isFunctionName, loadFunction } from './catalog';
import { registeredFunction } from './kit/functions';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export function serve(target: string, port: number) {
  if (!isFunctionName(target) && !isClusterFunctionName(target)) throw new Error(`FUNCTION_TARGET "${target}" is not a function of this platform`);
  loadFunction(target);
  const handler = registeredFunction(target) as Handler | undefined;
  if (!handler) throw new Error(`${target} registered no function`);
  let inFlight = 0;
  let stopping = false;
  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      // A keep-alive connection whose last request just finished would otherwise hold the close.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than Nginx's and the gateway's idle timeouts
  server.headersTimeout = 66_000;
  server.listen(port, () => log.info({ target, port }, 'listening'));

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, in_flight: inFlight }, 'stopping: finishing in-flight requests');
    const grace = envInt('SHUTDOWN_GRACE_MS', 10_000);
    setTimeout(() => server.closeAllConnections(), grace).unref();
    // A pool or a connection that cannot close (a peer that never answers) must not keep a stopped
    // function alive, holding its port: past the grace and 5 s more, the process exits anyway.
    setTimeout(() => {
      log.error({ signal }, 'could not stop cleanly in time: exiting');
      process.exit(1);
    }, grace + 5_000).unref();
    server.close(async () => {
      await runShutdownHooks();
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (env('EXIT_WITH_PARENT') === 'true') exitWithParent(() => stop('parent exited'));
  return server;
}

if (require.main === module) {
  serve(env('FUNCTION_TARGET', ''), envInt('PORT', 8080));
}
