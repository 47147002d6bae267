// A raw /ws client for tests: speaks the frames by hand (no SDK logic in the way), records what
// arrives, and waits for conditions with a bounded poll.
import { type ClientFrame, decodeServerFrame, encodeFrame, type ServerFrame } from '@tandem/protocol';
import { WebSocket } from 'ws';

export interface Probe {
  ws: WebSocket;
  frames: ServerFrame[];
  closed: { code: number; reason: string } | null;
  send(frame: ClientFrame | Record<string, unknown>): void;
  sendRaw(bytes: Uint8Array | string): void;
  /** Waits for a frame matching `match` (searching frames already received too) and returns it. */
  next<T extends ServerFrame['t']>(t: T, match?: (f: Extract<ServerFrame, { t: T }>) => boolean): Promise<Extract<ServerFrame, { t: T }>>;
  /** Sends `sub` and waits for the answer (subbed or error for that room). */
  sub(room: string, opts?: { shallow?: boolean; diff?: boolean }): Promise<ServerFrame>;
  waitClosed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function wsUrl(baseUrl: string, token: string) {
  return `${baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`;
}

export async function openProbe(baseUrl: string, token: string, options: { autoPong?: boolean } = {}): Promise<Probe> {
  const ws = new WebSocket(wsUrl(baseUrl, token), { autoPong: options.autoPong ?? true });
  const probe: Probe = {
    ws,
    frames: [],
    closed: null,
    send: (frame) => ws.send(encodeFrame(frame as ClientFrame)),
    sendRaw: (bytes) => ws.send(bytes, { binary: typeof bytes !== 'string' }),
    next(t, match) {
      let from = 0;
      return until<ServerFrame>(`a "${t}" frame`, () => {
        for (; from < probe.frames.length; from++) {
          const f = probe.frames[from]!;
          if (f.t === t && (!match || match(f as never))) {
            probe.frames.splice(from, 1);
            return f;
          }
        }
        return undefined;
      }) as never;
    },
    async sub(room, opts = {}) {
      probe.send({ t: 'sub', room, ...opts });
      return until(`an answer to sub ${room}`, () => {
        const i = probe.frames.findIndex((f) => (f.t === 'subbed' && f.room === room) || (f.t === 'error' && f.ref === room));
        return i >= 0 ? probe.frames.splice(i, 1)[0] : undefined;
      });
    },
    waitClosed: () => until('the socket to close', () => probe.closed),
    close: () => ws.close(),
  };
  ws.on('message', (data: Buffer) => probe.frames.push(decodeServerFrame(data)));
  ws.on('close', (code, reason) => (probe.closed = { code, reason: reason.toString() }));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
  return probe;
}

/** The HTTP status of a refused upgrade (or 101 when it was accepted). */
export async function upgradeStatus(baseUrl: string, token: string): Promise<number> {
  try {
    const p = await openProbe(baseUrl, token);
    p.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
}
