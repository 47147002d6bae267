// A real SMTP server on a random local port that keeps every message it receives, for the mail tests.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export async function startMailbox() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits (bounded) for a mail to `to` and returns the token it carries. */
    async tokenFor(to: string, timeoutMs = 10_000): Promise<string> {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const mail = received.find((m) => m.to.includes(to));
        if (mail) {
          const body = mail.raw.replace(/=\r?\n/g, '');
          const m = /Token: ([A-Za-z0-9_-]+)/.exec(body);
          if (m) return m[1]!;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no mail to ${to}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
