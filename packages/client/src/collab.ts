// Live editing of a document: a stock y-websocket provider pointed at /collab/<documentId>, with the
// SDK's access token (refreshed into the URL before every reconnect).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { TandemClient } from './client.js';

export interface CollabOptions {
  doc?: Y.Doc;
  /** A WebSocket implementation where there is no global one (Node: the `ws` package). */
  WebSocketPolyfill?: unknown;
  connect?: boolean;
}

export function openDocument(client: TandemClient, documentId: string, opts: CollabOptions = {}): WebsocketProvider {
  const serverUrl = `${client.baseUrl.replace(/^http/, 'ws')}/collab`;
  const provider = new WebsocketProvider(serverUrl, documentId, opts.doc ?? new Y.Doc(), {
    params: { token: client.accessToken ?? '' },
    WebSocketPolyfill: opts.WebSocketPolyfill as typeof WebSocket | undefined,
    connect: opts.connect ?? true,
    // Tabs of one browser must not sync around the server (and around its permission checks).
    disableBc: true,
  });
  // Before each reconnect: a token about to expire is refreshed (the refresh lands in time for the
  // next attempt at the latest), and the freshest token goes into the URL.
  provider.on('connection-close', () => {
    if (expiresWithin(client.accessToken, 60_000)) {
      void client.http.refresh().then(() => {
        provider.params.token = client.accessToken ?? '';
      });
    }
    provider.params.token = client.accessToken ?? '';
  });
  return provider;
}

function expiresWithin(token: string | null, ms: number): boolean {
  if (!token) return false;
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' && payload.exp * 1000 - Date.now() < ms;
  } catch {
    return false;
  }
}

/**
 * Resolves once the server has durably stored every update this provider sent so far: the server
 * answers a sync step 1 only after committing what the connection sent before it.
 */
export function whenStored(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  const ws = provider.ws as WebSocket | null;
  if (ws?.readyState !== 1) return Promise.reject(new Error('not connected'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('timed out waiting for the server to store the document')), timeoutMs);
    const onMessage = (event: MessageEvent) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2) done();
    };
    const onClose = () => done(new Error('connection closed before the server confirmed storage'));
    const done = (err?: Error) => {
      clearTimeout(timer);
      ws.removeEventListener('message', onMessage);
      ws.removeEventListener('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    ws.addEventListener('message', onMessage);
    ws.addEventListener('close', onClose);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, provider.doc);
    ws.send(encoding.toUint8Array(encoder));
  });
}
