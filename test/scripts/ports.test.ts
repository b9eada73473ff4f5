import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type AddressInfo } from 'node:net';
import { assertPortsFree } from '../../scripts/ports';

/** A second `npm start` (or anything on a port the platform needs): one clear line per port, naming what holds it. */
const it = suite('npm start: ports in use');

it('a port in use is refused with a line naming it, its role and the process that holds it', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const error = await assertPortsFree({ auth: port }).then(() => undefined, (e: Error) => e);
    assert.ok(error, 'refused');
    const [line] = error!.message.split('\n');
    assert.is(line.startsWith(`port ${port} (auth) is in use by pid ${process.pid} (`), true, line);
    assert.match(error!.message, /PORT_OFFSET/);
  } finally {
    holder.close();
  }
  await assertPortsFree({ auth: port }); // free again: no error
});

it.run();
