// Who is in which room, across every node. Each node owns the entries of its own sockets and
// replicates them over the bus; other nodes' entries live only as long as that node keeps
// announcing itself (a beat every TTL/3), so a killed node's users vanish within PRESENCE_TTL_MS,
// and a closed or timed-out socket's entries are removed the moment the socket goes.
// After a bus outage every node drops what it heard from others and asks for fresh snapshots.
// Room lists are re-sent to local subscribers at most once per flush window, encoded once.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { encodeFrame, type PresenceEntry, type PresenceState } from '@tandem/protocol';
import { BUS, type Bus, Channels } from '../../base/bus/bus.js';
import { CONFIG, type Config } from '../../base/config/config.js';
import { logger } from '../../base/logger/logger.js';
import type { SocketConnection } from './connection.js';
import { RoomRegistry } from './room-registry.js';

const log = logger('presence');
const FLUSH_MS = 40;

interface Entry extends PresenceEntry {
  node: string;
}

/** Presence replication messages between nodes (msgpack over the bus). */
type PresenceMessage =
  | { k: 'set'; n: string; c: number; room: string; u: string; s: PresenceState; at: number }
  | { k: 'del'; n: string; c: number; room: string }
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
  private readonly dirty = new Set<string>();
  /** The encoded list frame per room, until the room changes (joins in a reconnect storm share it). */
  private readonly encoded = new Map<string, Uint8Array>();
  private flushTimer: NodeJS.Timeout | null = null;
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
      if (!seen || e.at > seen.at) byUser.set(e.userId, { userId: e.userId, state: e.state, at: e.at });
    }
    return [...byUser.values()];
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
    this.markDirty(room);
  }

  private remove(room: string, key: string): boolean {
    const entries = this.rooms.get(room);
    if (!entries?.delete(key)) return false;
    if (entries.size === 0) this.rooms.delete(room);
    this.markDirty(room);
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

  private markDirty(room: string) {
    this.encoded.delete(room);
    if (!this.registry.members(room)) return; // nobody here watches it
    this.dirty.add(room);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private flush() {
    this.flushTimer = null;
    for (const room of this.dirty) {
      const members = this.registry.members(room);
      if (!members) continue;
      const frame = this.frame(room) ?? encodeFrame({ t: 'presence', room, users: [] });
      for (const conn of members) conn.send(frame);
    }
    this.dirty.clear();
  }
}
