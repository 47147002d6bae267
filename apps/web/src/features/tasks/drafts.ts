// Text a person has typed and not yet got onto the server (comment and description boxes), kept in
// IndexedDB per task and user: it survives a reload, a closed drawer, and a write the server refused
// (then it comes back into its box with the reason).
import { del, get, keys, set } from 'idb-keyval';

const PREFIX = 'tandem.draft.';

export interface Draft {
  text: string;
  /** Why the server refused it, when it did. */
  reason?: string;
}

export type DraftKind = 'comment' | 'description';

export const draftKey = (kind: DraftKind, taskId: string, userId: string) => `${PREFIX}${kind}.${userId}.${taskId}`;

export async function loadDraft(key: string): Promise<Draft | undefined> {
  return get<Draft>(key).catch(() => undefined);
}

export async function saveDraft(key: string, text: string, reason?: string): Promise<void> {
  await (text.trim() ? set(key, reason ? { text, reason } : { text }) : del(key)).catch(() => undefined);
}

const refusalListeners = new Map<string, Set<(d: Draft) => void>>();

/** The server refused what was sent from this box: keep the text and tell the box, if it is open. */
export async function returnRefused(key: string, text: string, reason: string): Promise<void> {
  const earlier = await loadDraft(key);
  // Whatever was typed since the refused text was sent stays too.
  const merged = earlier?.text.trim() && earlier.text !== text ? `${text}\n\n${earlier.text}` : text;
  await saveDraft(key, merged, reason);
  for (const listener of refusalListeners.get(key) ?? []) listener({ text: merged, reason });
}

export function onRefused(key: string, listener: (d: Draft) => void): () => void {
  const set = refusalListeners.get(key) ?? new Set();
  set.add(listener);
  refusalListeners.set(key, set);
  return () => set.delete(listener);
}

/** On sign-out: no draft of the previous user stays on the device. */
export async function clearDrafts(): Promise<void> {
  const all = await keys().catch(() => []);
  await Promise.all(all.filter((k) => typeof k === 'string' && k.startsWith(PREFIX)).map((k) => del(k)));
}
