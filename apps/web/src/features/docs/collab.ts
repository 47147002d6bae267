// One open document: its Y.Doc kept in IndexedDB (readable and editable offline) and synced over
// the standard y-websocket protocol at /collab/<docId> through the SDK.

import { openDocument as openCollab } from '@tandem/client';
import { CollabCloseCodes } from '@tandem/protocol/close-codes';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { client } from '../../api/session.js';
import { setDocumentSynced } from '../../realtime/collab-status.js';

export interface CollabSession {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the local copy has been loaded (the editor can show content offline). */
  local: Promise<void>;
  onDenied(listener: (reason: string) => void): void;
  destroy(): void;
}

const NO_ACCESS = CollabCloseCodes.notFound;
const UNAUTHENTICATED = CollabCloseCodes.unauthenticated;

export function openDocument(docId: string): CollabSession {
  const ydoc = new Y.Doc();
  const idb = new IndexeddbPersistence(`tandem.doc.${docId}`, ydoc);
  // The SDK's provider: stock y-websocket on /collab/<docId>, current token on every reconnect,
  // no cross-tab channel (tabs must not sync around the server's permission checks).
  const provider = openCollab(client, docId, { doc: ydoc });
  const denied = new Set<(reason: string) => void>();

  setDocumentSynced(docId, false);
  provider.on('sync', (synced: boolean) => setDocumentSynced(docId, synced));
  provider.on('status', ({ status }) => {
    if (status !== 'connected') setDocumentSynced(docId, false);
  });
  provider.on('connection-close', (event) => {
    // A refused token is refreshed before the next attempt.
    if (event?.code === UNAUTHENTICATED) {
      void client.http.refresh().then((ok) => {
        if (ok) provider.params = { token: client.accessToken ?? '' };
        else provider.disconnect();
      });
    }
    if (event?.code === NO_ACCESS) {
      provider.disconnect();
      for (const l of denied) l('You do not have access to this document (any more).');
    }
  });

  return {
    ydoc,
    provider,
    local: idb.whenSynced.then(() => undefined),
    onDenied: (l) => denied.add(l),
    destroy() {
      setDocumentSynced(docId, true);
      provider.destroy();
      void idb.destroy();
      ydoc.destroy();
    },
  };
}
