/**
 * Which local ports a platform needs are already taken, and by what: a second `npm start` (or a
 * stray process) then stops with one line per port instead of a stack trace from whichever
 * process happened to bind first.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Whether nothing listens on 127.0.0.1:`port` (binding is the only reliable test). */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The listening socket's inode for `port`, from /proc/net/tcp and tcp6 (Linux). */
function listeningInode(port: number): string | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local_address is "<ip>:<port>", st 0A is LISTEN, inode is the tenth field.
      if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A') return fields[9];
    }
  }
  return undefined;
}

/** "pid 1234 (node dist/functions/host.js)" for the process holding `port`, when this user may see it. */
export function portHolder(port: number): string | undefined {
  const inode = listeningInode(port);
  if (!inode) return undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== `socket:[${inode}]`) continue;
      } catch {
        continue;
      }
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      return `pid ${pid} (${command.length > 80 ? `${command.slice(0, 77)}...` : command})`;
    }
  }
  return undefined;
}

/** Throws one line per port of `ports` (name → port) already in use, naming what holds it. */
export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (await free(port)) continue;
    taken.push(`port ${port} (${name}) is in use${portHolder(port) ? ` by ${portHolder(port)}` : ''}`);
  }
  if (taken.length) throw new Error(`${taken.join('\n')}\nStop what holds ${taken.length > 1 ? 'them' : 'it'} (another \`npm start\`?), or move this platform with PORT_OFFSET.`);
}
