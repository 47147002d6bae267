// Open documents report whether their local edits have reached the server, for the connection
// indicator.
import { useSyncExternalStore } from 'react';

const unsynced = new Set<string>();
const listeners = new Set<() => void>();

export function setDocumentSynced(docId: string, synced: boolean) {
  const had = unsynced.has(docId);
  if (synced) unsynced.delete(docId);
  else unsynced.add(docId);
  if (had !== !synced) for (const l of listeners) l();
}

export function useDocumentsSyncing(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unsynced.size > 0,
  );
}
