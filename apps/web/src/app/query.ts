// The query cache: persisted to IndexedDB so the app opens instantly with the last data it saw
// (and works offline), with queued writes kept across reloads and replayed when back online.
import { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { del, get, set } from 'idb-keyval';
import { errorMessage, isNetworkError, isStatus } from '../api/errors.js';
import { keys } from '../api/keys.js';
import { type MutationName, registerMutations, type Vars } from '../api/mutations.js';
import { forgetOwnEdits } from '../api/own-task-versions.js';
import { clearDrafts, draftKey, returnRefused } from '../features/tasks/drafts.js';
import { clearTaskConflicts, reportTaskConflict } from '../features/tasks/task-conflicts.js';
import { toast } from '../ui/toast.js';

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (err, query) => {
      // Screens show their own load errors; only background refetch failures of data already on
      // screen would otherwise go unnoticed.
      if (query.state.data !== undefined && !isNetworkError(err) && !isStatus(err, 401, 404)) toast(errorMessage(err), 'error');
    },
  }),
  mutationCache: new MutationCache(),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      gcTime: 7 * 24 * 3600_000,
      retry: (count, err) => !isStatus(err, 400, 401, 403, 404, 409) && count < 3,
      refetchOnWindowFocus: true,
    },
  },
});

registerMutations(queryClient, (err, name, vars) => {
  if (isNetworkError(err)) return;
  // An edit made on a copy someone has since changed: its author is asked, nothing is dropped.
  if (name === 'task.update' && isStatus(err, 409)) {
    void reportTaskConflict(queryClient, vars as Vars['task.update']).catch(() => toast(errorMessage(err), 'error'));
    return;
  }
  // Refused text goes back into the box it came from, with the reason next to it.
  const refused = refusedDraft(name, vars);
  if (refused) void returnRefused(refused.key, refused.text, errorMessage(err));
  toast(errorMessage(err), 'error');
});

function refusedDraft<K extends MutationName>(name: K, vars: Vars[K]): { key: string; text: string } | null {
  if (name === 'comment.create') {
    const v = vars as Vars['comment.create'];
    return { key: draftKey('comment', v.taskId, v.authorId), text: v.body };
  }
  const me = queryClient.getQueryData<{ id: string }>(keys.me);
  if (name === 'task.update' && me) {
    const v = vars as Vars['task.update'];
    if (typeof v.patch.description === 'string') return { key: draftKey('description', v.id, me.id), text: v.patch.description };
  }
  return null;
}

export const persister = createAsyncStoragePersister({
  storage: {
    getItem: (key) => get<string>(key).then((v) => v ?? null),
    setItem: (key, value) => set(key, value),
    removeItem: (key) => del(key),
  },
  key: 'tandem.query-cache',
  throttleTime: 500,
});

export const persistOptions = {
  persister,
  maxAge: 7 * 24 * 3600_000,
  buster: 'v1',
};

/** On sign-out nothing of the previous user may remain on this device. */
export async function clearLocalData() {
  queryClient.getMutationCache().clear();
  queryClient.clear();
  await persister.removeClient();
  // Unsent drafts and conflicts waiting for an answer belong to that user too.
  forgetOwnEdits();
  await Promise.all([clearDrafts(), clearTaskConflicts()]);
  // Offline copies of documents (y-indexeddb keeps one database per document).
  const dbs = (await indexedDB.databases?.().catch(() => [])) ?? [];
  for (const db of dbs) if (db.name?.startsWith('tandem.doc.')) indexedDB.deleteDatabase(db.name);
}
