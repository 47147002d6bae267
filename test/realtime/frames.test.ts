import { decodeClientFrame, encodeFrame, parseRoom, scanMsgpack } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';

const ROOM = 'document:0190a8b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b';

describe('client frames', () => {
  it('decodes every client frame type', () => {
    for (const frame of [
      { t: 'sub', room: ROOM },
      { t: 'unsub', room: ROOM },
      { t: 'presence', room: ROOM, state: { viewing: 'intro', typing: true, cursor: { anchor: 1, head: 4 }, pointer: null } },
      { t: 'ping' },
    ] as const) {
      expect(decodeClientFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
    }
  });

  it('refuses declared lengths larger than the frame before decoding anything', () => {
    expect(scanMsgpack(Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff]), 8)).toBe('Declared length exceeds the frame');
    expect(scanMsgpack(Uint8Array.from([0xdf, 0x7f, 0xff, 0xff, 0xff, 0xc0]), 8)).toBe('Declared length exceeds the frame');
    expect(scanMsgpack(Uint8Array.from([0xc6, 0xff, 0xff, 0xff, 0xff]), 8)).toBe('Declared length exceeds the frame');
  });

  it('refuses nesting deeper than the limit and accepts the nesting a presence frame needs', () => {
    expect(scanMsgpack(Uint8Array.from([...new Array(9).fill(0x91), 0x01]), 8)).toBe('Frame nested too deeply');
    expect(scanMsgpack(Uint8Array.from([...new Array(8).fill(0x91), 0x01]), 8)).toBeNull();
  });

  it('refuses extension types such as timestamps', () => {
    expect(scanMsgpack(Uint8Array.from([0xd6, 0xff, 0, 0, 0, 1]), 8)).toBe('Unsupported msgpack type');
  });

  it('names the room of a refused frame so the client knows which request failed', () => {
    const result = decodeClientFrame(encodeFrame({ t: 'presence', room: ROOM, state: { typing: 'yes' } } as never));
    expect(result).toMatchObject({ ok: false, code: 'validation_failed', ref: ROOM });
  });

  it('bounds presence state sizes', () => {
    const long = decodeClientFrame(encodeFrame({ t: 'presence', room: ROOM, state: { viewing: 'x'.repeat(201) } }));
    expect(long).toMatchObject({ ok: false, code: 'validation_failed' });
  });
});

describe('room names', () => {
  it('parses the five room kinds and nothing else', () => {
    expect(parseRoom(ROOM.toUpperCase().replace('DOCUMENT', 'document'))).toEqual({ kind: 'document', id: ROOM.slice(9) });
    expect(parseRoom('folder:0190a8b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b')).toBeNull();
    expect(parseRoom('task:../../etc/passwd')).toBeNull();
    expect(parseRoom(`${ROOM}x`)).toBeNull();
  });
});
