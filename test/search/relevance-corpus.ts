// A fixed corpus and 20 queries with the item each should find first: English, accented text, German
// compounds, Japanese, Chinese, prefixes while typing and typos. The data is relevance-corpus.json,
// shared with the S10 benchmark (which counts how many of them ILIKE and plain to_tsvector answer too).
import { readFileSync } from 'node:fs';

const data = JSON.parse(readFileSync(new URL('./relevance-corpus.json', import.meta.url), 'utf8')) as {
  corpus: { title: string; body: string }[];
  queries: { q: string; expect: string; why: string }[];
};

export const RELEVANCE_CORPUS = data.corpus;
export const RELEVANCE_QUERIES = data.queries;
