// Raw sockets for the security tests: what a hostile client sends, byte for byte, without the
// politeness of the SDK or y-websocket (no reconnects, no answers it does not choose to give).
import WebSocket from 'ws';
import * as Y from 'yjs';

export function wsUrl(baseUrl: string, path: string) {
  return baseUrl.replace(/^http/, 'ws') + path;
}

/**
 * Opens /collab/:id as a raw client and waits for the server's greeting (its sync step 1: the
 * document is loaded) or a close. `autoPong: false` makes it a dead peer that never answers pings.
 */
export async function rawCollab(baseUrl: string, token: string, documentId: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(wsUrl(baseUrl, `/collab/${documentId}?token=${encodeURIComponent(token)}`), options);
  ws.on('error', () => undefined);
  ws.once('close', (code) => Object.assign(ws, { lastCloseCode: code }));
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('close', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  return ws;
}

/** Resolves with the close code once the server closes (or the socket dies: 1006). */
export function closeCode(ws: WebSocket): Promise<number> {
  const ended = ws as WebSocket & { lastCloseCode?: number };
  if (ws.readyState === ws.CLOSED) return Promise.resolve(ended.lastCloseCode ?? -1);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opens. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(0));
  });
}

function varUint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A y-websocket "sync update" message carrying `update`. */
export function syncUpdate(update: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0, 2]), varUint(update.length), Buffer.from(update)]);
}

/**
 * A structurally valid update that can never apply: structs of a fresh client id starting past
 * clock 0 (the earlier structs are never sent), carrying `bytes` of text.
 */
export function updateWithClockGap(clientId: number, bytes: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const text = doc.getText('gap');
  text.insert(0, 'a');
  const before = Y.encodeStateVector(doc);
  text.insert(1, 'b'.repeat(bytes));
  return Y.encodeStateAsUpdate(doc, before);
}
