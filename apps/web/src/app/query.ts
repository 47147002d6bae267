// The query cache: persisted to IndexedDB so the app opens instantly with the last data it saw
// (and works offline), with queued writes kept across reloads and replayed when back online.
import { type Mutation, MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { PersistedClient, Persister } from '@tanstack/react-query-persist-client';
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

const CACHE_KEY = 'tandem.query-cache';
/** Reads saved at most this often: a busy board changes the cache many times a second. */
const SAVE_EVERY_MS = 500;

/**
 * The cache's copy in IndexedDB. Reads are saved at most every half second; a change to the
 * queued writes is saved at once, and whatever is waiting is saved when the page is hidden or
 * closed, so a write made just before the tab closes is not lost with it.
 */
function createPersister(): Persister {
  let waiting: PersistedClient | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let savedWrites = '[]';
  let saving: Promise<void> = Promise.resolve();

  /** What is waiting to be saved, taken (and its timer stopped). */
  const take = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const client = waiting;
    waiting = null;
    return client;
  };
  const save = () => {
    const client = take();
    if (!client) return saving;
    saving = saving.then(() => set(CACHE_KEY, JSON.stringify(client))).catch(() => undefined);
    return saving;
  };
  // Leaving the page: the write is started right here, not behind earlier saves, so the browser
  // has it before the page is gone.
  const saveNow = () => {
    const client = take();
    if (client) void set(CACHE_KEY, JSON.stringify(client)).catch(() => undefined);
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', saveNow);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') saveNow();
    });
  }
  return {
    persistClient: (client) => {
      const writes = JSON.stringify(client.clientState.mutations);
      waiting = withWritesQueued(client);
      if (writes !== savedWrites) {
        savedWrites = writes;
        return save();
      }
      timer ??= setTimeout(() => void save(), SAVE_EVERY_MS);
      return undefined;
    },
    restoreClient: async () => {
      const saved = await get<string>(CACHE_KEY);
      return saved ? (JSON.parse(saved) as PersistedClient) : undefined;
    },
    removeClient: async () => {
      take();
      await saving;
      await del(CACHE_KEY);
    },
  };
}

/**
 * A write that was on its way when the page went away may or may not have reached the server:
 * it is saved as waiting to be sent, and sent again on the next start. Creates carry an
 * Idempotency-Key (their temporary id) and edits their version, so a second copy is never made.
 */
function withWritesQueued(client: PersistedClient): PersistedClient {
  const mutations = client.clientState.mutations.map((m) => ({ ...m, state: { ...m.state, isPaused: true } }));
  return { ...client, clientState: { ...client.clientState, mutations } };
}

export const persister = createPersister();

export const persistOptions = {
  persister,
  maxAge: 7 * 24 * 3600_000,
  buster: 'v1',
  dehydrateOptions: {
    // Every write not yet answered, not only those paused while offline.
    shouldDehydrateMutation: (m: Mutation) => m.state.status === 'pending',
  },
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
