// Shared setup for the collab tests: stock y-websocket providers (from npm) through the SDK helper.
import { openDocument, type TandemClient } from '@tandem/client';
import WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** Waits for a condition with a bounded poll (no timing assertions). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function connect(client: TandemClient, documentId: string, doc = new Y.Doc()): WebsocketProvider {
  return openDocument(client, documentId, { doc, WebSocketPolyfill: WebSocket });
}

/** Providers a test file opened, so each test can close what it left open (`closeAll`). */
export function trackedProviders() {
  const open: WebsocketProvider[] = [];
  return {
    track(provider: WebsocketProvider) {
      open.push(provider);
      return provider;
    },
    closeAll() {
      for (const p of open.splice(0)) p.destroy();
    },
  };
}

export async function synced(provider: WebsocketProvider) {
  await waitFor(() => provider.synced, 'provider sync');
  return provider;
}

/** The paragraph texts of the TipTap fragment. */
export function paragraphs(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment('default')
    .toArray()
    .map((n) =>
      n instanceof Y.XmlElement
        ? n
            .toArray()
            .map((c) => (c instanceof Y.XmlText ? c.toString() : ''))
            .join('')
        : '',
    );
}

/** Appends a paragraph with `text`, the way the editor would. */
export function addParagraph(doc: Y.Doc, text: string) {
  doc.transact(() => {
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, text);
    p.insert(0, [t]);
    const f = doc.getXmlFragment('default');
    f.insert(f.length, [p]);
  });
}

/** Opens a raw socket to /collab and resolves with the HTTP status of a refused upgrade, or 101. */
export function upgradeStatus(baseUrl: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

export async function workspaceWithDocument(owner: TandemClient, title = 'Notes') {
  const ws = await owner.workspaces.create({ name: 'Docs' });
  const doc = await owner.documents.create(ws.id, { title });
  return { workspaceId: ws.id, documentId: doc.id };
}
