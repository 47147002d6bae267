// The one rank scheme, shared by the server and the clients (an optimistic move ranks the card as
// the server will). Fractional ranks: strings over [0-9a-z] compared byte-wise (the columns are
// COLLATE "C"), so a move writes one row. A rank never ends in '0': otherwise nothing would fit between "x" and "x0".
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
/** Appends and prepends step at this many digits, leaving room for ~1.6M neighbours per column. */
const STEP_WIDTH = 4;
/** A column whose ranks grow past this is rewritten with evenly spaced ranks. */
export const REBALANCE_LENGTH = 24;

const digit = (s: string, i: number) => DIGITS.indexOf(s[i]!);

export function isRank(s: string): boolean {
  return /^[0-9a-z]*[1-9a-z]$/.test(s);
}

/** A rank strictly between `before` and `after` (null = open end). */
export function rankBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) throw new Error(`rank order: ${before} >= ${after}`);
  if (before === null && after === null) return 'i';
  if (after === null) return step(before!, +1) ?? midpoint(before!, null);
  if (before === null) return step(after, -1) ?? midpoint('', after);
  return midpoint(before, after);
}

/** The rank one unit away at STEP_WIDTH digits (or at the last digit of a longer rank), or null on overflow. */
function step(rank: string, delta: 1 | -1): string | null {
  const width = Math.max(STEP_WIDTH, rank.length);
  const digits = rank
    .padEnd(width, '0')
    .split('')
    .map((c) => DIGITS.indexOf(c));
  for (let tries = 0; tries < 2; tries++) {
    let i = width - 1;
    digits[i]! += delta;
    while (i > 0 && (digits[i]! < 0 || digits[i]! >= BASE)) {
      digits[i] = delta > 0 ? 0 : BASE - 1;
      digits[--i]! += delta;
    }
    if (digits[0]! < 0 || digits[0]! >= BASE) return null;
    if (digits[width - 1] !== 0) break; // never end in '0'
  }
  const out = digits.map((d) => DIGITS[d]).join('');
  const ok = delta > 0 ? out > rank : out < rank;
  return ok && isRank(out) ? out : null;
}

/** Digit-wise midpoint of `lo` ('' = start) and `hi` (null = end). */
function midpoint(lo: string, hi: string | null): string {
  let out = '';
  let upper = hi;
  for (let i = 0; ; i++) {
    const a = i < lo.length ? digit(lo, i) : 0;
    const b = upper !== null && i < upper.length ? digit(upper, i) : BASE;
    if (a === b) {
      out += DIGITS[a];
      continue;
    }
    if (b - a > 1) return out + DIGITS[Math.floor((a + b) / 2)];
    // Adjacent digits: keep `a` here; from now on anything above lo's tail fits under hi.
    out += DIGITS[a];
    upper = null;
  }
}

/** `count` evenly spaced ranks of one fixed width, for rewriting a whole column. */
export function spreadRanks(count: number): string[] {
  let width = STEP_WIDTH;
  while (BASE ** width < (count + 1) * 64) width++;
  const space = BASE ** width;
  const gap = Math.floor(space / (count + 1));
  const ranks: string[] = [];
  for (let i = 1; i <= count; i++) {
    let r = (gap * i).toString(BASE).padStart(width, '0');
    if (r.endsWith('0')) r += 'i';
    ranks.push(r);
  }
  return ranks;
}
