// Who is in which room, across every node. Each node owns the entries of its own sockets and
// replicates them over the bus; other nodes' entries live only as long as that node keeps
// announcing itself (a beat every TTL/3), so a killed node's users vanish within PRESENCE_TTL_MS,
// and a closed or timed-out socket's entries are removed the moment the socket goes.
// After a bus outage every node drops what it heard from others and asks for fresh snapshots.
// Room lists are re-sent to local subscribers at most once per flush window, encoded once; members
// that joined with `diff` get only the users who changed or left in that window (in a room of a
// hundred people the whole list is ~10 KB, and each view change would send it to all of them).
// In a big room a member's frame may then wait up to one more window for that socket's next write
// (a live event, usually) and go out with it (see HeldFrames).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { encodeFrame, type PresenceEntry, type PresenceState } from '@tandem/protocol';
import { BUS, type Bus, Channels } from '../../base/bus/bus.js';
import { CONFIG, type Config } from '../../base/config/config.js';
import { binaryFrame } from '../../base/http/ws-frame.js';
import { logger } from '../../base/logger/logger.js';
import type { SocketConnection } from './connection.js';
import { HeldFrames } from './held-frames.js';
import { RoomRegistry } from './room-registry.js';

const log = logger('presence');
const FLUSH_MS = 40;
/**
 * How often a room's presence goes out at most (on average; see `nextFlush`): every 40 ms for a
 * handful of people, up to once a second for a room of 200 or more (a big board's viewers coming and going would otherwise keep
 * every member's socket busy; cursors are not held back, they have their own frames).
 */
const presenceWindowMs = (members: number) => Math.min(1000, Math.max(FLUSH_MS, members * 5));

interface Entry extends PresenceEntry {
  node: string;
}

/** Presence replication messages between nodes (msgpack over the bus). */
type PresenceMessage =
  | { k: 'set'; n: string; c: number; room: string; u: string; s: PresenceState; at: number }
  | { k: 'del'; n: string; c: number; room: string }
  | { k: 'cur'; n: string; c: number; room: string; u: string; a: number; h: number; at: number }
  | { k: 'beat'; n: string }
  | { k: 'hello'; n: string }
  | { k: 'snap'; n: string; e: [c: number, room: string, u: string, s: PresenceState, at: number][] }
  | { k: 'bye'; n: string };

@Injectable()
export class PresenceTracker implements OnModuleInit, OnModuleDestroy {
  readonly nodeId = randomUUID();
  /** room → entry key (`node/socket`) → entry. */
  private readonly rooms = new Map<string, Map<string, Entry>>();
  /** Other nodes → when they last announced themselves. */
  private readonly nodesSeen = new Map<string, number>();
  /** Rooms changed since the last flush → the users whose entries changed in them. */
  private readonly dirty = new Map<string, Set<string>>();
  /**
   * When each recently flushed room may go out again: its window from its last flush, drawn between
   * half and one and a half of it, so big rooms' flushes spread over the second instead of meeting.
   */
  private readonly nextFlush = new Map<string, number>();
  /** The encoded list frame per room, until the room changes (joins in a reconnect storm share it). */
  private readonly encoded = new Map<string, Uint8Array>();
  /** Users' numbers in compact cursor frames from this node. */
  private readonly userNumbers = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Presence frames on their way to sockets: riding on their next write, or a slice per turn of the event loop. */
  private readonly sends = new HeldFrames();
  private beatTimer: NodeJS.Timeout | null = null;
  private unsubscribe?: () => Promise<void>;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CONFIG) private readonly config: Config,
    private readonly registry: RoomRegistry,
  ) {}

  async onModuleInit() {
    this.unsubscribe = await this.bus.subscribe(Channels.presence, (m) => this.receive(m as PresenceMessage));
    this.bus.onResync(() => this.resync());
    this.beatTimer = setInterval(() => this.beat(), Math.max(100, Math.floor(this.config.PRESENCE_TTL_MS / 3)));
    this.beatTimer.unref();
    this.publish({ k: 'hello', n: this.nodeId });
  }

  async onModuleDestroy() {
    if (this.beatTimer) clearInterval(this.beatTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.sends.stop();
    this.publish({ k: 'bye', n: this.nodeId });
    await this.unsubscribe?.();
  }

  /** The room's present users, one entry per user (their most recently changed state). */
  list(room: string): PresenceEntry[] {
    const entries = this.rooms.get(room);
    if (!entries) return [];
    const byUser = new Map<string, PresenceEntry>();
    for (const e of entries.values()) {
      const seen = byUser.get(e.userId);
      if (!seen || e.at > seen.at) byUser.set(e.userId, { userId: e.userId, n: this.userNumber(e.userId), state: e.state, at: e.at });
    }
    return [...byUser.values()];
  }

  /** The room's current entries of `users` (one per user, as in `list`) and those of them no longer present. */
  private changes(room: string, users: ReadonlySet<string>): { present: PresenceEntry[]; gone: string[] } {
    const byUser = new Map<string, PresenceEntry>();
    for (const e of this.rooms.get(room)?.values() ?? []) {
      if (!users.has(e.userId)) continue;
      const seen = byUser.get(e.userId);
      if (!seen || e.at > seen.at) byUser.set(e.userId, { userId: e.userId, n: this.userNumber(e.userId), state: e.state, at: e.at });
    }
    return { present: [...byUser.values()], gone: [...users].filter((u) => !byUser.has(u)) };
  }

  /** The room's `presence` frame, encoded once per change; null when nobody is present. */
  frame(room: string): Uint8Array | null {
    if (!this.rooms.has(room)) return null;
    let frame = this.encoded.get(room);
    if (!frame) this.encoded.set(room, (frame = encodeFrame({ t: 'presence', room, users: this.list(room) })));
    return frame;
  }

  /** Sets a local socket's state in a room it has joined (the gateway checked that). */
  set(conn: SocketConnection, room: string, state: PresenceState): void {
    const at = Date.now();
    this.put(room, `${this.nodeId}/${conn.key}`, { node: this.nodeId, userId: conn.userId, state, at });
    this.publish({ k: 'set', n: this.nodeId, c: conn.key, room, u: conn.userId, s: state, at });
  }

  private userNumber(userId: string): number {
    let n = this.userNumbers.get(userId);
    if (n === undefined) this.userNumbers.set(userId, (n = this.userNumbers.size + 1));
    return n;
  }

  /**
   * A cursor move: updates the entry without re-sending the room's list (cursors move many times a
   * second) and sends every local member one compact frame, encoded once. A socket not yet present
   * in the room joins the list the usual way.
   */
  cursor(conn: SocketConnection, room: string, anchor: number, head: number): void {
    const key = `${this.nodeId}/${conn.key}`;
    const at = Date.now();
    const entry = this.rooms.get(room)?.get(key);
    if (!entry) {
      this.set(conn, room, { cursor: { anchor, head } });
      return;
    }
    this.moveCursor(room, entry, anchor, head, at, conn);
    this.publish({ k: 'cur', n: this.nodeId, c: conn.key, room, u: conn.userId, a: anchor, h: head, at });
  }

  private moveCursor(room: string, entry: Entry, anchor: number, head: number, at: number, from?: SocketConnection) {
    entry.state = { ...entry.state, cursor: { anchor, head } };
    entry.at = at;
    this.encoded.delete(room); // the next list sent (to a joiner) carries the new cursor
    const members = this.registry.members(room);
    const r = this.registry.number(room);
    if (!members || r === undefined) return;
    const frame = binaryFrame(encodeFrame({ t: 'c', r, u: this.userNumber(entry.userId), a: anchor, h: head }));
    for (const member of members) if (member !== from) member.sendFrame(frame);
  }

  /** Current state of a local socket in a room, if it announced one. */
  stateOf(conn: SocketConnection, room: string): PresenceState | undefined {
    return this.rooms.get(room)?.get(`${this.nodeId}/${conn.key}`)?.state;
  }

  leave(conn: SocketConnection, room: string): void {
    if (this.remove(room, `${this.nodeId}/${conn.key}`)) this.publish({ k: 'del', n: this.nodeId, c: conn.key, room });
  }

  private put(room: string, key: string, entry: Entry) {
    let entries = this.rooms.get(room);
    if (!entries) this.rooms.set(room, (entries = new Map()));
    entries.set(key, entry);
    this.markDirty(room, entry.userId);
  }

  private remove(room: string, key: string): boolean {
    const entries = this.rooms.get(room);
    const entry = entries?.get(key);
    if (!entries || !entry) return false;
    entries.delete(key);
    if (entries.size === 0) this.rooms.delete(room);
    this.markDirty(room, entry.userId);
    return true;
  }

  private dropNode(node: string) {
    for (const [room, entries] of this.rooms) {
      for (const [key, e] of entries) if (e.node === node) this.remove(room, key);
    }
  }

  private receive(m: PresenceMessage) {
    if (!m || typeof m !== 'object' || m.n === this.nodeId) return;
    if (m.k !== 'bye') this.nodesSeen.set(m.n, Date.now());
    switch (m.k) {
      case 'set':
        this.put(m.room, `${m.n}/${m.c}`, { node: m.n, userId: m.u, state: m.s, at: m.at });
        break;
      case 'del':
        this.remove(m.room, `${m.n}/${m.c}`);
        break;
      case 'cur': {
        const entry = this.rooms.get(m.room)?.get(`${m.n}/${m.c}`);
        if (entry) this.moveCursor(m.room, entry, m.a, m.h, m.at);
        else this.put(m.room, `${m.n}/${m.c}`, { node: m.n, userId: m.u, state: { cursor: { anchor: m.a, head: m.h } }, at: m.at });
        break;
      }
      case 'hello':
        this.publishSnapshot();
        break;
      case 'snap':
        this.dropNode(m.n);
        for (const [c, room, u, s, at] of m.e) this.put(room, `${m.n}/${c}`, { node: m.n, userId: u, state: s, at });
        break;
      case 'bye':
        this.nodesSeen.delete(m.n);
        this.dropNode(m.n);
        break;
    }
  }

  private beat() {
    this.publish({ k: 'beat', n: this.nodeId });
    const now = Date.now();
    for (const [room, at] of this.nextFlush) if (at < now) this.nextFlush.delete(room);
    const deadline = Date.now() - this.config.PRESENCE_TTL_MS;
    for (const [node, at] of this.nodesSeen) {
      if (at < deadline) {
        log.info({ node }, 'node stopped announcing itself; dropping its presence');
        this.nodesSeen.delete(node);
        this.dropNode(node);
      }
    }
  }

  /** After a bus outage: forget what other nodes said, re-announce ours, ask them for theirs. */
  private resync() {
    for (const node of [...this.nodesSeen.keys()]) this.dropNode(node);
    this.nodesSeen.clear();
    this.publishSnapshot();
    this.publish({ k: 'hello', n: this.nodeId });
  }

  private publishSnapshot() {
    const e: [number, string, string, PresenceState, number][] = [];
    const prefix = `${this.nodeId}/`;
    for (const [room, entries] of this.rooms) {
      for (const [key, entry] of entries) {
        if (entry.node === this.nodeId) e.push([Number(key.slice(prefix.length)), room, entry.userId, entry.state, entry.at]);
      }
    }
    this.publish({ k: 'snap', n: this.nodeId, e });
  }

  private publish(m: PresenceMessage) {
    this.bus.publish(Channels.presence, m).catch((err) => log.warn({ err: (err as Error).message }, 'presence publish failed'));
  }

  private markDirty(room: string, userId: string) {
    this.encoded.delete(room);
    if (!this.registry.members(room)) return; // nobody here watches it
    let users = this.dirty.get(room);
    if (!users) this.dirty.set(room, (users = new Set()));
    users.add(userId);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private flush() {
    this.flushTimer = null;
    const now = Date.now();
    for (const [room, users] of this.dirty) {
      const members = this.registry.members(room);
      if (!members) {
        this.dirty.delete(room);
        continue;
      }
      if (now < (this.nextFlush.get(room) ?? 0)) continue; // a later flush sends it
      this.dirty.delete(room);
      const window = presenceWindowMs(members.size);
      this.nextFlush.set(room, now + window * (0.5 + Math.random()));
      // A small room's frames go out now; a big room's may wait one more window for a ride.
      const holdMs = window - FLUSH_MS;
      const diffs = this.registry.diffMembers(room);
      let list: Buffer | null = null;
      let diff: Buffer | null = null;
      for (const conn of members) {
        if (diffs?.has(conn)) {
          if (!diff) {
            const { present, gone } = this.changes(room, users);
            diff = binaryFrame(encodeFrame({ t: 'presence-diff', room, users: present, gone }));
          }
          this.sends.add(conn, room, diff, holdMs, now);
        } else {
          const frame = (list ??= binaryFrame(this.frame(room) ?? encodeFrame({ t: 'presence', room, users: [] })));
          this.sends.add(conn, room, frame, holdMs, now);
        }
      }
    }
    this.sends.release(now);
    if (this.dirty.size > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }
}
