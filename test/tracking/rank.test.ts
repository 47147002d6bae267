import { describe, expect, it } from 'vitest';
import { isRank, rankBetween, spreadRanks } from '../../packages/protocol/src/rank.js';

describe('fractional ranks', () => {
  it('orders byte-wise and always finds a rank strictly between two others', () => {
    let lo = 'i';
    const hi = 'j';
    for (let i = 0; i < 200; i++) {
      const mid = rankBetween(lo, hi);
      expect(mid > lo && mid < hi).toBe(true);
      expect(isRank(mid)).toBe(true);
      lo = mid;
    }
  });

  it('keeps appended ranks short: 10,000 appends stay within 5 characters', () => {
    let last: string | null = null;
    for (let i = 0; i < 10_000; i++) {
      const next: string = rankBetween(last, null);
      if (last !== null) expect(next > last).toBe(true);
      last = next;
    }
    expect(last!.length).toBeLessThanOrEqual(5);
  });

  it('prepends below the first rank without running out', () => {
    let first: string | null = null;
    for (let i = 0; i < 2000; i++) {
      const next: string = rankBetween(null, first);
      if (first !== null) expect(next < first).toBe(true);
      expect(isRank(next)).toBe(true);
      first = next;
    }
  });

  it('never produces a rank ending in 0, so there is always room below it', () => {
    for (const [a, b] of [
      ['i00z', 'i01'],
      ['1', '2'],
      ['0001', '0002'],
      ['zz', null],
    ] as const) {
      const r = rankBetween(a, b);
      expect(r.endsWith('0')).toBe(false);
      expect(r > a && (b === null || r < b)).toBe(true);
    }
  });

  it('spreads short, evenly spaced ranks in order', () => {
    const ranks = spreadRanks(5000);
    expect(Math.max(...ranks.map((r) => r.length))).toBeLessThanOrEqual(6);
    for (let i = 1; i < ranks.length; i++) expect(ranks[i]! > ranks[i - 1]!).toBe(true);
    expect(ranks.every(isRank)).toBe(true);
  });

  it('refuses bounds given in the wrong order', () => {
    expect(() => rankBetween('b', 'a')).toThrow();
  });
});
