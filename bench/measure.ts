import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * µs per call of `fn` (wall clock, and CPU of this process), `concurrency` callers (numbered from 0)
 * each awaiting it in a loop for `seconds`, after half a second of warm-up. With concurrency > 1
 * the wall figure is the amortized cost (1 / throughput), not the latency of one call.
 */
export async function perCall(fn: (caller: number) => unknown, concurrency = 1, seconds = 3): Promise<{ wall: number; cpu: number }> {
  const run = async (ms: number) => {
    let calls = 0;
    const end = performance.now() + ms;
    const caller = async (index: number) => {
      while (performance.now() < end) {
        await fn(index);
        calls++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, index) => caller(index)));
    return calls;
  };
  await run(500);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const calls = await run(seconds * 1000);
  const { user, system } = process.cpuUsage(cpu);
  return { wall: ((performance.now() - started) * 1000) / calls, cpu: (user + system) / calls };
}

/** Status of one GET on a fresh connection, 0 when nothing answers. */
export function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

export async function until200(url: string, child: ChildProcess, everyMs: number, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await status(url)) !== 200) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100)
}

/** Processes whose parent is `pid`, with their command line and environment. */
export function childrenOf(pid: number): Array<{ pid: number; command: string; env: string[] }> {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid !== pid) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      found.push({ pid: Number(entry), command, env: readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0') });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The first process whose name (comm) is one of `names`. */
export function processNamed(...names: string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The first port from `from` upwards that nothing listens on (checked by listening on it briefly). */
export async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${from + 99}`);
}
