/**
 * A local SMTP server that accepts every mail and keeps it, so that `npm start` and the tests send
 * real mail over SMTP and can read what was sent: `GET <httpUrl>/messages[?to=address]` lists the
 * messages (parsed with mailparser), `DELETE <httpUrl>/messages` forgets them. Tests may also
 * start one in their own process and read `messages()` directly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export interface SinkMessage {
  id: number;
  /** Envelope sender and recipients (what the server was told, whatever the headers say). */
  from: string;
  to: string[];
  subject: string;
  message_id: string;
  /** Every header, lower-case names, values as sent. */
  headers: Record<string, string>;
  text: string;
  html: string;
  received_at: string;
}

export interface SmtpSink {
  smtpPort: number;
  httpUrl?: string;
  messages(to?: string): SinkMessage[];
  clear(): void;
  /** Resolves with the messages once `done` says they are there (polling, for tests). */
  waitFor(done: (messages: SinkMessage[]) => boolean, timeoutMs?: number): Promise<SinkMessage[]>;
  stop(): Promise<void>;
}

export interface SinkOptions {
  /** 0: a free port. */
  smtpPort?: number;
  host?: string;
  /** The HTTP endpoint's port (0: a free one); none when undefined. */
  httpPort?: number;
}

const headerText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value) return String((value as AddressObject).text);
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
};

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  let kept: SinkMessage[] = [];
  let nextId = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 20 * 1024 * 1024,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const headers: Record<string, string> = {};
          // Unfolded (RFC 5322 2.2.3): a long header comes back on one line.
          for (const line of mail.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
          kept.push({
            id: nextId++,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            message_id: mail.messageId ?? headerText(mail.headers.get('message-id') ?? ''),
            headers,
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            received_at: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = ((smtp as unknown as { server: Server }).server.address() as AddressInfo).port;

  const messages = (to?: string) => (to ? kept.filter((m) => m.to.includes(to.toLowerCase())) : [...kept]);
  let http: Server | undefined;
  let httpUrl: string | undefined;
  if (options.httpPort !== undefined) {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://sink');
      if (url.pathname === '/messages' && req.method === 'DELETE') {
        kept = [];
        res.writeHead(204).end();
      } else if (url.pathname === '/messages' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages(url.searchParams.get('to') ?? undefined)));
      } else if (url.pathname === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', smtp_port: smtpPort, messages: kept.length }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'GET or DELETE /messages' }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(options.httpPort, host, () => resolve());
    });
    httpUrl = `http://${host}:${(http.address() as AddressInfo).port}`;
  }

  return {
    smtpPort,
    httpUrl,
    messages,
    clear: () => void (kept = []),
    async waitFor(done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(kept)) {
        if (Date.now() > deadline) throw new Error(`the SMTP sink did not get the expected mail within ${timeoutMs} ms (it holds ${kept.length})`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return [...kept];
    },
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http!.close(() => resolve()));
      }
    },
  };
}
