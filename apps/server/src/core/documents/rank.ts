// Fractional ranks over [0-9a-z] (byte order, the column is COLLATE "C"): a rank strictly between
// two neighbours always exists, so moving one document never renumbers its siblings.
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;

/** A rank strictly between `before` (or the start) and `after` (or the end). */
export function rankBetween(before: string | null, after: string | null): string {
  const a = before ?? '';
  let b = after;
  if (b !== null && a >= b) throw new Error(`ranks out of order: ${a} >= ${b}`);
  let out = '';
  for (let i = 0; ; i++) {
    const da = i < a.length ? DIGITS.indexOf(a[i]!) : 0;
    const db = b !== null && i < b.length ? DIGITS.indexOf(b[i]!) : BASE;
    if (da === db) {
      out += DIGITS[da];
      continue;
    }
    const mid = Math.floor((da + db) / 2);
    if (mid > da) return out + DIGITS[mid];
    // Neighbouring digits: keep a's digit and look for room after it, unbounded above.
    out += DIGITS[da];
    b = null;
  }
}
