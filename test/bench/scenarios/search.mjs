// S10 search (issue 12): 100k tasks + 20k documents (~2 KB of text each) + 200k comments in 20
// workspaces on PostgreSQL; 20 users, each in their own workspace, typing words letter by letter
// (1–6 letter prefixes) into GET /api/v1/search. Beside it in the same run, on the same rows: the
// same prefixes with ILIKE (what Plane does) and with plain to_tsvector/plainto_tsquery full-text
// search (what Outline and Docmost do), as SQL straight from this process; and how many of the
// relevance table's 20 queries each answers with the expected first hit. Then index freshness: the
// time from a document edit on /collab until search finds the new word.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDocument, whenStored } from '@tandem/client';
import pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { withPg } from '../lib/db.mjs';
import { fmt, table } from '../lib/report.mjs';
import { ROOT, startTandem } from '../lib/servers.mjs';
import { registerUser } from '../lib/tandem-world.mjs';

const WORKSPACES = 20;
// BENCH_SEARCH_SCALE (default 1) shrinks the corpus for a dry run of the scenario itself.
const SCALE = Number(process.env.BENCH_SEARCH_SCALE ?? 1);
const TASKS = Math.max(WORKSPACES, Math.round(100_000 * SCALE));
const DOCUMENTS = Math.max(WORKSPACES, Math.round(20_000 * SCALE));
const COMMENTS = 2 * TASKS;
const WORDS = `deployment database migration release customer invoice payment webhook dashboard analytics
  onboarding checklist security audit performance latency frontend backend gateway socket message queue
  worker schedule report quarter budget forecast roadmap milestone sprint backlog estimate priority
  incident outage monitoring alerting logging metrics tracing cluster kubernetes container registry
  storage backup restore archive export import search index relevance ranking snippet highlight
  document editor comment mention notification permission workspace project account profile password
  session token browser desktop mobile tablet layout design typography colour theme accessibility
  translation language locale timezone calendar meeting agenda minutes decision feedback survey
  interview hiring candidate résumé contract vendor procurement shipping warehouse inventory pricing
  discount subscription renewal churn retention growth campaign newsletter landing conversion funnel`
  .split(/\s+/)
  .filter(Boolean);
// What typists type: words that exist in the corpus, and a few that do not.
const TYPED = [
  'deployment',
  'database',
  'invoice',
  'kubernetes',
  'relevance',
  'onboarding',
  'accessibility',
  'warehouse',
  'zebrafish',
  'quarterly',
];

async function seed(c, log, spaces) {
  const t0 = Date.now();
  // Bulk rows enter the search table through its triggers; building its GIN indexes once at the end
  // is much faster than maintaining them row by row.
  await c.query(`DROP INDEX "SearchEntry_workspace_words_idx", "SearchEntry_workspace_folded_idx", "SearchEntry_title_trgm_idx"`);
  await c.query(`CREATE TEMP TABLE vocab AS SELECT $1::text[] AS w`, [WORDS]);
  const text = (n) =>
    `(SELECT string_agg((SELECT w FROM vocab)[1 + floor(random() * ${WORDS.length})::int], ' ') FROM generate_series(1, ${n} + 0 * g))`;
  for (const [i, s] of spaces.entries()) {
    const status = (await c.query(`SELECT id FROM "Status" WHERE "projectId" = $1 ORDER BY position LIMIT 1`, [s.projectId])).rows[0].id;
    await c.query(
      `INSERT INTO "Task" (id, "projectId", number, title, description, "statusId", "reporterId", rank, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, g, ${text(6)}, ${text(40)}, $2, $3, 'j' || lpad(g::text, 7, '0'), now() - g * interval '1 minute', now() - g * interval '1 minute'
       FROM generate_series(1, $4) g`,
      [s.projectId, status, s.userId, Math.round(TASKS / WORKSPACES)],
    );
    await c.query(`UPDATE "Project" SET "taskCounter" = $2 WHERE id = $1`, [s.projectId, Math.round(TASKS / WORKSPACES)]);
    await c.query(
      `INSERT INTO "Comment" (id, "taskId", "authorId", body, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), t.id, $2, ${text(25)}, now(), now()
       FROM (SELECT id, row_number() OVER () AS g FROM "Task" WHERE "projectId" = $1) t CROSS JOIN generate_series(1, $3) k
       WHERE k > 0`,
      [s.projectId, s.userId, COMMENTS / TASKS],
    );
    await c.query(
      `INSERT INTO "Document" (id, "workspaceId", title, rank, "createdById", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, ${text(4)}, 'j' || lpad(g::text, 7, '0'), $2, now(), now() FROM generate_series(1, $3) g`,
      [s.workspaceId, s.userId, Math.round(DOCUMENTS / WORKSPACES)],
    );
    // ~2 KB of text per document, as text extraction would have written it.
    await c.query(
      `UPDATE "SearchEntry" e SET body = x.body FROM (SELECT "entityId", ${text(280)} AS body FROM "SearchEntry" CROSS JOIN (SELECT 1 AS g) one
        WHERE kind = 'document' AND "workspaceId" = $1) x WHERE e.kind = 'document' AND e."entityId" = x."entityId"`,
      [s.workspaceId],
    );
    if (i % 5 === 4) log(`seeded ${i + 1}/${spaces.length} workspaces (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  await c.query(`CREATE INDEX "SearchEntry_workspace_words_idx" ON "SearchEntry" USING gin ("workspaceId", words)`);
  await c.query(`CREATE INDEX "SearchEntry_workspace_folded_idx" ON "SearchEntry" USING gin ("workspaceId", folded gin_trgm_ops)`);
  await c.query(`CREATE INDEX "SearchEntry_title_trgm_idx" ON "SearchEntry" USING gin ("titleFolded" gin_trgm_ops)`);
  // The plain full-text baseline gets the index such systems keep (a stored tsvector with GIN).
  await c.query(
    `CREATE INDEX bench_plain_fts ON "SearchEntry" USING gin ("workspaceId", to_tsvector('english', title || ' ' || label || ' ' || body))`,
  );
  await c.query('ANALYZE');
  const { rows } = await c.query(
    `SELECT kind, count(*)::int AS n, round(avg(length(body)))::int AS avg FROM "SearchEntry" GROUP BY kind ORDER BY kind`,
  );
  log(`seeded in ${Math.round((Date.now() - t0) / 1000)} s: ${rows.map((r) => `${r.kind} ${r.n} (avg body ${r.avg} chars)`).join(', ')}`);
  return { seconds: (Date.now() - t0) / 1000, rows };
}

const BASELINES = {
  ilike: {
    label: 'ILIKE substring (Plane)',
    sql: `SELECT "entityId", title FROM "SearchEntry" WHERE "workspaceId" = $1 AND NOT trashed
            AND (title ILIKE '%' || $2 || '%' OR body ILIKE '%' || $2 || '%') ORDER BY "updatedAt" DESC LIMIT 20`,
  },
  fts: {
    label: 'plain to_tsvector (Outline, Docmost)',
    sql: `SELECT "entityId", title FROM "SearchEntry" WHERE "workspaceId" = $1 AND NOT trashed
            AND to_tsvector('english', title || ' ' || label || ' ' || body) @@ plainto_tsquery('english', $2)
            ORDER BY ts_rank(to_tsvector('english', title || ' ' || label || ' ' || body), plainto_tsquery('english', $2)) DESC LIMIT 20`,
  },
};

/** Latencies kept whole (a run is a few thousand samples): exact p50/p95/p99. */
function samples() {
  const all = [];
  return {
    record: (ms) => all.push(ms),
    summary() {
      const s = [...all].sort((a, b) => a - b);
      const at = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
      return { count: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] };
    },
  };
}

/** 20 typists, each typing words a letter at a time (~8 letters/s), every prefix of 1–6 letters sent. */
async function typing(count, send) {
  const h = samples();
  let errors = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, u) => {
      for (let r = 0; r < TYPED.length; r++) {
        const word = TYPED[(u + r) % TYPED.length];
        for (let n = 1; n <= 6; n++) {
          const t = performance.now();
          try {
            await send(u, word.slice(0, n));
          } catch {
            errors++;
          }
          h.record(performance.now() - t);
          await new Promise((res) => setTimeout(res, 120));
        }
      }
    }),
  );
  return { ...h.summary(), errors };
}

function percentiles(summary) {
  return `${fmt.ms(summary.p50)} / ${fmt.ms(summary.p95)} / ${fmt.ms(summary.p99)} / ${fmt.ms(summary.max)}`;
}

export const searchScenarios = {
  search: {
    title: 'S10 — search while typing over 100k tasks, 20k documents and 200k comments (issue 12)',
    goal: 'prefix queries while typing p95 < 20 ms, p99 < 50 ms on one core; document text searchable p95 < 5 s after an edit.',
    async run({ log, quick }) {
      const server = await startTandem();
      try {
        log(`server ${server.url}`);
        const spaces = [];
        for (let i = 0; i < WORKSPACES; i++) {
          const u = await registerUser(server.url, `typist${i}`);
          const ws = await u.client.workspaces.create({ name: `Search ${i}` });
          const project = await u.client.tracking.projects.create(ws.id, { name: `Project ${i}`, key: `S${i}` });
          spaces.push({ client: u.client, userId: u.userId, workspaceId: ws.id, projectId: project.id });
        }
        const seeded = await withPg(server.database.url, (c) => seed(c, log, spaces));

        // Relevance corpus in a workspace of its own (same for every method).
        const rel = await registerUser(server.url, 'relevance');
        const relWs = await rel.client.workspaces.create({ name: 'Relevance' });
        const relProject = await rel.client.tracking.projects.create(relWs.id, { name: 'Corpus', key: 'REL' });
        const { corpus, queries } = JSON.parse(readFileSync(join(ROOT, 'test', 'search', 'relevance-corpus.json'), 'utf8'));
        for (const item of corpus) await rel.client.tracking.tasks.create(relProject.id, { title: item.title, description: item.body });

        log('warming up');
        await typing(5, (u, q) => spaces[u].client.search.query({ q, workspaceId: spaces[u].workspaceId, limit: 10 }));
        log('20 typists through the API');
        const api = await typing(quick ? 10 : 20, (u, q) =>
          spaces[u].client.search.query({ q, workspaceId: spaces[u].workspaceId, limit: 10 }),
        );
        const sqlRuns = {};
        // One connection per typist, as the server's pool would give them.
        const pool = new pg.Pool({ connectionString: server.database.url, max: 20 });
        try {
          const { buildSearchSql } = await import(join(ROOT, 'apps/server/dist/core/search/postgres-search.js'));
          const { queryWords } = await import(join(ROOT, 'apps/server/dist/core/search/search-text.js'));
          log('20 typists, Tandem SQL only (the statement the API runs), from this process');
          sqlRuns.tandem = await typing(quick ? 10 : 20, (u, q) => {
            const req = {
              scope: { userId: spaces[u].userId, workspaceIds: [spaces[u].workspaceId], sharedDocumentIds: [] },
              q,
              words: queryWords(q),
              kinds: null,
              limit: 10,
              offset: 0,
            };
            return pool.query(buildSearchSql(req, 'match'));
          });
          for (const [id, b] of Object.entries(BASELINES)) {
            log(`20 typists, ${b.label}, SQL from this process`);
            sqlRuns[id] = await typing(quick ? 10 : 20, (u, q) => pool.query(b.sql, [spaces[u].workspaceId, q]));
          }
        } finally {
          await pool.end();
        }
        const relevance = { tandem: 0, ilike: 0, fts: 0 };
        await withPg(server.database.url, async (c) => {
          for (const { q, expect } of queries) {
            const t = (await rel.client.search.query({ q, workspaceId: relWs.id, limit: 5 })).items[0]?.title;
            if (t === expect) relevance.tandem++;
            for (const id of Object.keys(BASELINES)) {
              const top = (await c.query(BASELINES[id].sql, [relWs.id, q])).rows[0]?.title;
              if (top === expect) relevance[id]++;
            }
          }
        });

        log('index freshness for document edits');
        const fresh = samples();
        const owner = spaces[0];
        const doc = await owner.client.documents.create(owner.workspaceId, { title: 'Freshness probe' });
        const provider = openDocument(owner.client, doc.id, { WebSocketPolyfill: WebSocket });
        await new Promise((res) => provider.once('sync', res));
        const rounds = quick ? 5 : 12;
        let missed = 0;
        for (let i = 0; i < rounds; i++) {
          const word = `fresh${Date.now().toString(36)}x${i}`;
          const t = performance.now();
          provider.doc.transact(() => {
            const f = provider.doc.getXmlFragment('default');
            const p = new Y.XmlElement('paragraph');
            p.insert(0, [new Y.XmlText(`Edit ${i}: ${word}`)]);
            f.insert(f.length, [p]);
          });
          let found = false;
          while (performance.now() - t < 15_000) {
            const { items } = await owner.client.search.query({ q: word, workspaceId: owner.workspaceId, limit: 1 });
            if (items.length) {
              found = true;
              break;
            }
            await new Promise((res) => setTimeout(res, 100));
          }
          if (found) fresh.record(performance.now() - t);
          else missed++;
        }
        await whenStored(provider).catch(() => undefined);
        provider.destroy();
        const f = fresh.summary();

        const rows = [
          [
            'Tandem GET /api/v1/search (HTTP, auth, permission filter in the query)',
            api.count,
            percentiles(api),
            api.errors,
            `${relevance.tandem} / 20`,
          ],
          ...Object.entries(BASELINES).map(([id, b]) => [
            `${b.label}: SQL only, no HTTP, no permission filter`,
            sqlRuns[id].count,
            percentiles(sqlRuns[id]),
            sqlRuns[id].errors,
            `${relevance[id]} / 20`,
          ]),
        ];
        return `Goal: ${this.goal}
One Tandem process pinned to core 0; the typists (this process) on core 1; PostgreSQL 15 shared by both cores.
Seeded with generate_series in ${Math.round(seeded.seconds)} s: ${seeded.rows.map((r) => `${r.n} ${r.kind}s`).join(', ')} in ${WORKSPACES} workspaces
(text drawn from a ${WORDS.length}-word vocabulary; documents' text written to the search table as extraction would).
Each typist types ${TYPED.length} words (one not in the corpus) and sends every 1–6 letter prefix, 120 ms apart,
waiting for each answer (limit 10). The baselines run the same prefixes against the same rows as plain SQL from this process
(no HTTP, no auth, only a workspace filter; 20 connections), the full-text one with the GIN expression index such systems keep.
"Relevance" counts the relevance-table queries (test/search/relevance-corpus.json) whose first hit is the expected item.

${table(['method', 'queries', 'p50 / p95 / p99 / max ms', 'errors', 'relevance table'], rows)}

Index freshness (edit on /collab → the new word is found by GET /api/v1/search, polled every 100 ms):
${f.count} of ${rounds} edits found, p50 ${fmt.ms(f.p50)} ms, p95 ${fmt.ms(f.p95)} ms, max ${fmt.ms(f.max)} ms${missed ? `, **${missed} not found within 15 s**` : ''}.`;
      } finally {
        await server.stop();
      }
    },
  },
};
