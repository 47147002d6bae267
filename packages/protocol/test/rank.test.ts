// The one rank scheme, as properties over many generated cases (a seeded generator, so a failure
// names the pair and repeats): any two ranks have one between them, and inserting again and again
// at one spot keeps ranks short enough for a column to be rewritten only rarely.
import { describe, expect, it } from 'vitest';
import { isRank, REBALANCE_LENGTH, rankBetween, spreadRanks } from '../src/rank.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomRank(next: () => number): string {
  const length = 1 + Math.floor(next() * 8);
  let out = '';
  for (let i = 0; i < length - 1; i++) out += DIGITS[Math.floor(next() * DIGITS.length)];
  return out + DIGITS[1 + Math.floor(next() * (DIGITS.length - 1))];
}

describe('the shared rank scheme', () => {
  it('has a valid rank strictly between any two different ranks, and past either end', () => {
    const next = random(20261129);
    for (let i = 0; i < 5000; i++) {
      const x = randomRank(next);
      const y = randomRank(next);
      if (x === y) continue;
      const [lo, hi] = x < y ? [x, y] : [y, x];
      const mid = rankBetween(lo, hi);
      expect(isRank(mid), `${lo} < ${mid} < ${hi}`).toBe(true);
      expect(mid > lo && mid < hi, `${lo} < ${mid} < ${hi}`).toBe(true);
      const after = rankBetween(hi, null);
      const before = rankBetween(null, lo);
      expect(after > hi && isRank(after), `${after} after ${hi}`).toBe(true);
      expect(before < lo && isRank(before), `${before} before ${lo}`).toBe(true);
    }
  });

  it('keeps ranks short when thousands of cards are dropped at one spot', () => {
    // Always between the same card and the one dropped last: the worst case for the length.
    const top = rankBetween(null, null);
    let below = rankBetween(top, null);
    let longest = 0;
    for (let i = 0; i < 2000; i++) {
      below = rankBetween(top, below);
      longest = Math.max(longest, below.length);
    }
    expect(below > top).toBe(true);
    // Each drop about halves the gap: about a digit (base 36) per five drops, never more. The server
    // rewrites a column once a rank passes REBALANCE_LENGTH (test/tracking/board.test.ts), so a
    // column never actually holds ranks this long.
    expect(longest).toBeLessThanOrEqual(Math.ceil(2000 / 4.5));
    // Random spots in a growing column stay far shorter.
    const next = random(7);
    const column = [rankBetween(null, null)];
    for (let i = 0; i < 3000; i++) {
      const at = Math.floor(next() * (column.length + 1));
      const rank = rankBetween(column[at - 1] ?? null, column[at] ?? null);
      column.splice(at, 0, rank);
    }
    expect([...column].sort()).toEqual(column);
    expect(new Set(column).size).toBe(column.length);
    expect(Math.max(...column.map((r) => r.length))).toBeLessThanOrEqual(REBALANCE_LENGTH);
  });

  it('spreads a rewritten column evenly, in order, at one width', () => {
    for (const count of [1, 10, 1000, 50_000]) {
      const ranks = spreadRanks(count);
      expect(ranks).toHaveLength(count);
      expect([...ranks].sort()).toEqual(ranks);
      expect(ranks.every(isRank)).toBe(true);
      expect(new Set(ranks).size).toBe(count);
    }
  });
});
