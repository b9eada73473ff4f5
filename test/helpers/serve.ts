import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpFunction } from '../../functions/kit/service';

/** Serves one HTTP function on a free port, in this process. */
export async function serveFunction(fn: HttpFunction): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => void fn(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
