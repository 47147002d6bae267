// Awareness (cursors, selections, who is here) for one live document. The server keeps the
// latest state per Yjs client id, binds each client id to the connection that first announced it,
// and rewrites every state's `user` field from the authenticated user, so nobody can appear as
// someone else. Entries from other nodes arrive already rewritten by the node that owns them.
import { type AwarenessEntry, decodeAwarenessUpdate, encodeAwarenessUpdate } from './collab-protocol.js';

export interface AwarenessIdentity {
  id: string;
  name: string;
  color: string;
}

/** Who announced a client id: a local connection (any object) or another node (null). */
type Owner = object | null;

interface Held extends AwarenessEntry {
  owner: Owner;
  at: number;
}

const MAX_CLIENT_IDS_PER_CONNECTION = 4;
const MAX_STATE_CHARS = 16 * 1024;
/** Remote states not renewed for this long belong to a client whose node died (clients renew every 15 s). */
export const AWARENESS_TIMEOUT_MS = 30_000;

export class AwarenessRoom {
  private readonly states = new Map<number, Held>();

  /** Every known state, to greet a new connection; null when there is none. */
  snapshot(): Uint8Array | null {
    const live = [...this.states.values()].filter((s) => s.json !== 'null');
    return live.length ? encodeAwarenessUpdate(live) : null;
  }

  private accepts(e: AwarenessEntry): boolean {
    const held = this.states.get(e.clientId);
    // y-protocols' rule: newer clock wins; an equal clock wins only to remove the state.
    return !held || held.clock < e.clock || (held.clock === e.clock && e.json === 'null' && held.json !== 'null');
  }

  /**
   * Applies a client's awareness update with the server's identity stamped in. Returns the
   * re-encoded update to broadcast, or null when nothing was accepted.
   */
  applyFromClient(update: Uint8Array, owner: object, identity: AwarenessIdentity, ownedIds: Set<number>): Uint8Array | null {
    const accepted: AwarenessEntry[] = [];
    for (const e of decodeAwarenessUpdate(update)) {
      const held = this.states.get(e.clientId);
      // Another connection's id, here or on another node (owner null): a live state is its owner's alone.
      if (held && held.owner !== owner && held.json !== 'null') continue;
      if (!ownedIds.has(e.clientId)) {
        if (ownedIds.size >= MAX_CLIENT_IDS_PER_CONNECTION) continue;
        ownedIds.add(e.clientId);
      }
      if (!this.accepts(e)) continue;
      const json = e.json === 'null' ? 'null' : stampIdentity(e.json, identity);
      if (json === undefined) continue;
      const entry = { clientId: e.clientId, clock: e.clock, json };
      this.states.set(e.clientId, { ...entry, owner, at: Date.now() });
      accepted.push(entry);
    }
    return accepted.length ? encodeAwarenessUpdate(accepted) : null;
  }

  /** Applies an update relayed by another node; returns what changed here, re-encoded, or null. */
  applyFromNode(update: Uint8Array): Uint8Array | null {
    const accepted: AwarenessEntry[] = [];
    for (const e of decodeAwarenessUpdate(update)) {
      if (!this.accepts(e)) continue;
      this.states.set(e.clientId, { ...e, owner: null, at: Date.now() });
      accepted.push(e);
    }
    return accepted.length ? encodeAwarenessUpdate(accepted) : null;
  }

  /** Marks the given client ids as gone; returns the removal update to broadcast, or null. */
  remove(clientIds: Iterable<number>): Uint8Array | null {
    const removed: AwarenessEntry[] = [];
    for (const id of clientIds) {
      const held = this.states.get(id);
      if (!held || held.json === 'null') continue;
      const entry = { clientId: id, clock: held.clock + 1, json: 'null' };
      this.states.set(id, { ...entry, owner: held.owner, at: Date.now() });
      removed.push(entry);
    }
    return removed.length ? encodeAwarenessUpdate(removed) : null;
  }

  /**
   * Ids of states relayed from other nodes that stopped being renewed. Also forgets removals old
   * enough that no late message can resurrect them, so the map does not grow for ever.
   */
  expiredRemoteIds(now = Date.now()): number[] {
    const expired: number[] = [];
    for (const s of this.states.values()) {
      if (now - s.at <= AWARENESS_TIMEOUT_MS) continue;
      if (s.json === 'null') this.states.delete(s.clientId);
      else if (s.owner === null) expired.push(s.clientId);
    }
    return expired;
  }
}

/** Replaces `user` in a client's state with the authenticated identity; undefined drops the entry. */
function stampIdentity(json: string, identity: AwarenessIdentity): string | undefined {
  if (json.length > MAX_STATE_CHARS) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  return JSON.stringify({ ...state, user: { ...identity } });
}

/** A stable, readable colour per user. */
export function userColor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360}, 70%, 45%)`;
}
