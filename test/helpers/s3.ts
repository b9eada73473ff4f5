import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const S3rver = require('s3rver');

/**
 * s3rver (a local S3 server) with `buckets`, on a port of this run's offset (9000 + PORT_OFFSET +
 * `slot`, one slot per suite), with S3_ENDPOINT pointing at it until the returned close is called.
 * s3rver checks no V4 signature: a PUT it takes may have any type and size.
 */
export async function startS3(buckets: string[], slot: number): Promise<() => Promise<void>> {
  const port = 9000 + Number(process.env.PORT_OFFSET ?? 10000) + slot;
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3-')), configureBuckets: buckets.map((name) => ({ name })) });
  await server.run();
  const previous = process.env.S3_ENDPOINT;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  return async () => {
    await server.close();
    if (previous === undefined) delete process.env.S3_ENDPOINT;
    else process.env.S3_ENDPOINT = previous;
  };
}
