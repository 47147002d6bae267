import { describe, expect, it } from 'vitest';
import { rankBetween } from '../../packages/protocol/src/rank.js';

describe('document ranks', () => {
  it('always finds a rank strictly between two neighbours, however often one gap is split', () => {
    let low: string | null = null;
    let high: string | null = null;
    const ranks: string[] = [];
    for (let i = 0; i < 500; i++) {
      const r = rankBetween(low, high);
      if (low !== null) expect(r > low).toBe(true);
      if (high !== null) expect(r < high).toBe(true);
      ranks.push(r);
      // Alternate between splitting towards the start and towards the end of the same gap.
      if (i % 2) low = r;
      else high = r;
    }
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('appends after the last sibling and prepends before the first', () => {
    const a = rankBetween(null, null);
    const b = rankBetween(a, null);
    const z = rankBetween(null, a);
    expect([z, a, b]).toEqual([z, a, b].sort());
    expect(z < a && a < b).toBe(true);
  });
});
