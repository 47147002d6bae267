// Frames of the realtime socket (/ws): binary msgpack, one map per frame, `t` names its type
// (docs/realtime.md). Client frames are checked twice before anything trusts them:
// a structural scan of the raw bytes (depth, declared lengths against the bytes actually present,
// no extension types) so a hostile frame can never make the decoder allocate or recurse without
// bound, then a schema per frame type.
import { Packr } from 'msgpackr';
import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { Role } from './roles.js';

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export const RoomKinds = ['workspace', 'project', 'task', 'document', 'user'] as const;
export type RoomKind = (typeof RoomKinds)[number];

const ROOM = /^(workspace|project|task|document|user):([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export const RoomName = z.string().max(64).regex(ROOM, 'must be <workspace|project|task|document|user>:<id>');

/** Splits `task:<id>` into its kind and id; null when it is not a room name. */
export function parseRoom(room: string): { kind: RoomKind; id: string } | null {
  const m = ROOM.exec(room);
  return m ? { kind: m[1] as RoomKind, id: m[2]!.toLowerCase() } : null;
}

/** What a user shows others in a room: every field optional, sizes bounded, nothing else accepted. */
export const PresenceState = z.strictObject({
  /** What the user is looking at inside the room (a tab, a task key, a heading). */
  viewing: z.string().max(200).optional(),
  typing: z.boolean().optional(),
  /** A text selection: `anchor === head` is a caret. */
  cursor: z
    .strictObject({
      anchor: z
        .int()
        .min(0)
        .max(2 ** 31),
      head: z
        .int()
        .min(0)
        .max(2 ** 31),
    })
    .nullable()
    .optional(),
  /** A pointer position on a board or canvas, in the client's own coordinates. */
  pointer: z
    .strictObject({ x: z.number().min(-1e9).max(1e9), y: z.number().min(-1e9).max(1e9) })
    .nullable()
    .optional(),
});
export type PresenceState = z.infer<typeof PresenceState>;

const Position = z
  .int()
  .min(0)
  .max(2 ** 31);

export const ClientFrame = z.discriminatedUnion('t', [
  /**
   * Joins a room. `shallow` (workspace rooms only; ignored elsewhere): the socket receives the
   * workspace's own events (the workspace, its members, projects, labels, documents) but not those of
   * single tasks (`task.*`, `comment.*`, `checklist.*`), which the `project:` and `task:` rooms carry.
   * `diff`: presence comes as the room's whole list once (on joining), then as `presence-diff`
   * frames holding only the users who changed or left (a big room's list is not re-sent to all).
   * Sending `sub` again for a room already joined changes only these.
   */
  z.object({ t: z.literal('sub'), room: RoomName, shallow: z.boolean().optional(), diff: z.boolean().optional() }),
  z.object({ t: z.literal('unsub'), room: RoomName }),
  z.object({ t: z.literal('presence'), room: RoomName, state: PresenceState }),
  z.object({ t: z.literal('ping') }),
  /**
   * Compact cursor move: `r` is the room's number from its `subbed` frame, `a`/`h` the selection's
   * anchor and head. The same as a presence frame changing only `cursor`, in ~15 bytes instead of ~100.
   */
  z.object({ t: z.literal('c'), r: Position, a: Position, h: Position }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export interface PresenceEntry {
  userId: string;
  /** The user's number in compact cursor frames from this server (stable while connected). */
  n?: number;
  state: PresenceState;
  /** When this user's state last changed (ms since epoch). */
  at: number;
}

export type ServerFrame =
  /** `n`: the room's number in compact cursor frames (absent for personal rooms). */
  | { t: 'subbed'; room: string; role?: Role; n?: number; shallow?: true }
  /** Compact cursor move in room number `r` by user number `u` (see `presence` entries' `n`). */
  | { t: 'c'; r: number; u: number; a: number; h: number }
  | { t: 'event'; room: string; type: string; data: unknown }
  | { t: 'presence'; room: string; users: PresenceEntry[] }
  /** To a socket that joined with `diff`: these users' new entries, and the users no longer present. */
  | { t: 'presence-diff'; room: string; users: PresenceEntry[]; gone: string[] }
  | { t: 'notification'; data: unknown }
  | { t: 'pong' }
  | { t: 'error'; code: ErrorCode; ref?: string; message?: string };

/** Close codes the server uses on /ws (1008/1009 are standard; 4xxx mirror HTTP statuses). */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  unauthenticated: 4401,
  accessRevoked: 4403,
  tooManySockets: 4029,
} as const;

export const FrameLimits = {
  /** Nesting of maps/arrays in one client frame (a presence frame needs 3). */
  maxDepth: 8,
} as const;

export function encodeFrame(frame: ServerFrame | ClientFrame): Uint8Array {
  return packr.pack(frame);
}

/** Decodes a server frame (the server is trusted; malformed input throws). */
export function decodeServerFrame(data: Uint8Array): ServerFrame {
  return packr.unpack(data) as ServerFrame;
}

export type DecodeResult = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string; ref?: string };

/** Validates and decodes one client frame; never throws. */
export function decodeClientFrame(data: Uint8Array): DecodeResult {
  const scan = scanMsgpack(data, FrameLimits.maxDepth);
  if (scan) return { ok: false, code: 'bad_request', message: scan };
  let value: unknown;
  try {
    value = packr.unpack(data);
  } catch {
    return { ok: false, code: 'bad_request', message: 'Malformed msgpack' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'bad_request', message: 'A frame is a map with a "t" field' };
  }
  const parsed = ClientFrame.safeParse(value);
  if (!parsed.success) {
    const t = (value as { t?: unknown }).t;
    const room = (value as { room?: unknown }).room;
    const ref = typeof room === 'string' && room.length <= 64 ? room : undefined;
    if (typeof t !== 'string' || !['sub', 'unsub', 'presence', 'ping', 'c'].includes(t)) {
      return { ok: false, code: 'bad_request', message: 'Unknown frame type', ref };
    }
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'validation_failed', message: `${issue?.path.join('.') || t}: ${issue?.message ?? 'invalid'}`, ref };
  }
  return { ok: true, frame: parsed.data };
}

/**
 * Walks the msgpack structure without building it. Returns why the bytes are refused, or null.
 * Every declared length is checked against the bytes left (an element takes at least one byte),
 * so a 4-byte header claiming 4 billion entries is refused before anything is allocated.
 */
export function scanMsgpack(buf: Uint8Array, maxDepth: number): string | null {
  let pos = 0;
  const len = buf.length;
  const need = (n: number) => pos + n <= len;
  const uint = (bytes: number) => {
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + buf[pos + i]!;
    pos += bytes;
    return v;
  };
  const value = (depth: number): string | null => {
    if (!need(1)) return 'Truncated msgpack';
    const b = buf[pos++]!;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return null;
    let items = -1;
    let skip = -1;
    if (b >= 0x80 && b <= 0x8f) items = (b & 0x0f) * 2;
    else if (b >= 0x90 && b <= 0x9f) items = b & 0x0f;
    else if (b >= 0xa0 && b <= 0xbf) skip = b & 0x1f;
    else {
      const sizes: Record<number, number> = { 202: 4, 203: 8, 204: 1, 205: 2, 206: 4, 207: 8, 208: 1, 209: 2, 210: 4, 211: 8 };
      const lenBytes: Record<number, number> = { 196: 1, 197: 2, 198: 4, 217: 1, 218: 2, 219: 4 };
      const countBytes: Record<number, number> = { 220: 2, 221: 4, 222: 2, 223: 4 };
      if (sizes[b] !== undefined) skip = sizes[b];
      else if (lenBytes[b] !== undefined) {
        if (!need(lenBytes[b])) return 'Truncated msgpack';
        skip = uint(lenBytes[b]);
      } else if (countBytes[b] !== undefined) {
        if (!need(countBytes[b])) return 'Truncated msgpack';
        items = uint(countBytes[b]) * (b >= 0xde ? 2 : 1);
      } else return 'Unsupported msgpack type'; // 0xc1 and every extension type
    }
    if (skip >= 0) {
      if (!need(skip)) return 'Declared length exceeds the frame';
      pos += skip;
      return null;
    }
    if (depth >= maxDepth) return 'Frame nested too deeply';
    if (!need(items)) return 'Declared length exceeds the frame';
    for (let i = 0; i < items; i++) {
      const err = value(depth + 1);
      if (err) return err;
    }
    return null;
  };
  const err = value(0);
  if (err) return err;
  return pos === len ? null : 'Trailing bytes after the frame';
}
