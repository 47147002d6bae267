// The query side of text matching, shared by both engines: a query becomes words made of letters and
// digits only (so no operator, quote or backslash ever reaches an engine's query language), folded
// the way the index folds text (lower case, no accents). Snippets and highlight offsets are cut
// from the original text with a map from folded to original positions.

/** Words longer than this are cut: nobody types them, and they only make the engine work. */
const MAX_WORD = 64;
const MAX_WORDS = 8;
const WORD = /[\p{L}\p{N}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Folds one character as PostgreSQL's unaccent + lower do for the common cases. */
function foldChar(ch: string): string {
  const special = SPECIAL[ch];
  if (special !== undefined) return special;
  return ch
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd' };

export function fold(text: string): string {
  let out = '';
  for (const ch of text) out += foldChar(ch);
  return out;
}

/** Folded text plus, for each folded UTF-16 unit, the offset of the original unit it came from. */
export function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(i);
  return { folded, origin };
}

export interface QueryWord {
  /** Folded letters and digits only. */
  text: string;
  /** Chinese, Japanese or Korean: matched by substring only (no word boundaries to stem or prefix). */
  cjk: boolean;
}

/** The words of a query, folded; empty when it holds no letter or digit. */
export function queryWords(q: string): QueryWord[] {
  const words: QueryWord[] = [];
  const seen = new Set<string>();
  for (const m of fold(q).matchAll(WORD)) {
    const text = m[0].slice(0, MAX_WORD);
    if (seen.has(text)) continue;
    seen.add(text);
    words.push({ text, cjk: CJK.test(text) });
    if (words.length === MAX_WORDS) break;
  }
  return words;
}

/** [start, end) ranges in `text` where any word occurs (folded comparison), merged and sorted. */
export function highlightRanges(text: string, words: QueryWord[]): [number, number][] {
  if (!text || words.length === 0) return [];
  const { folded, origin } = foldWithMap(text);
  const ranges: [number, number][] = [];
  for (const w of words) {
    let at = folded.indexOf(w.text);
    while (at >= 0) {
      ranges.push([origin[at]!, origin[at + w.text.length]!]);
      at = folded.indexOf(w.text, at + w.text.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

const SNIPPET = 180;

/**
 * A plain-text window of `body` around its first match (whole words at both ends where possible),
 * with the matches' offsets inside it. Without a match: the start of the body.
 */
export function snippetOf(body: string, words: QueryWord[]): { snippet: string; highlights: [number, number][] } {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return { snippet: '', highlights: [] };
  const all = highlightRanges(text, words);
  let start = 0;
  if (all.length > 0 && all[0]![0] > SNIPPET / 3) {
    start = all[0]![0] - Math.floor(SNIPPET / 3);
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < all[0]![0]) start = space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + SNIPPET / 2) end = space;
  }
  const prefix = start > 0 ? '… ' : '';
  const suffix = end < text.length ? ' …' : '';
  const snippet = prefix + text.slice(start, end) + suffix;
  const highlights = all
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s - start + prefix.length, e - start + prefix.length] as [number, number]);
  return { snippet, highlights };
}
