// What the fault drills share: the environment of a deployment of child-process nodes, typists
// that keep editing a document through a stock y-websocket provider and remember which of their
// lines the server confirmed as stored, board movers that remember which moves were answered, and
// readers of what PostgreSQL itself holds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TandemClient, whenStored } from '@tandem/client';
import type pg from 'pg';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addParagraph, paragraphs } from '../collab/helpers.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment every node of one drill's deployment shares (a database, a secret, a bus prefix). */
export function deploymentEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_CHANNEL_PREFIX: `drill-${randomBytes(4).toString('hex')}:`,
    TANDEM_SECRET: randomBytes(32).toString('hex'),
    TANDEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-drill-')),
    TANDEM_MIGRATE_ON_START: 'false',
  };
}

export async function readiness(url: string): Promise<{ status: number; body: { status: string; checks: Record<string, boolean> } }> {
  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, boolean> } };
}

/** Polls until `check` holds; returns how long it took (for the log, never asserted). */
export async function within(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - started;
}

export interface Typist {
  name: string;
  provider: WebsocketProvider;
  /** Every line typed, in order. */
  typed: string[];
  /** Lines the server confirmed as stored (SDK `whenStored`: it answers only after the log commit). */
  confirmed: Set<string>;
  stop(): Promise<void>;
}

/**
 * Types a line every `everyMs` into `provider`'s document, online or not (a provider that lost its
 * node keeps the lines and sends them when it is back), and asks for a storage confirmation every
 * few lines. Only lines typed while the provider was synced count as confirmed by an answer: a
 * line typed offline reaches the server in the reconnect's own sync exchange, not before the ask.
 */
export function startTypist(name: string, provider: WebsocketProvider, everyMs = 100): Typist {
  const typed: string[] = [];
  const confirmed = new Set<string>();
  let running = true;
  const loop = (async () => {
    const onlineSince: string[] = [];
    for (let n = 0; running; n++) {
      const line = `${name}-${n}`;
      const online = provider.synced && provider.wsconnected;
      addParagraph(provider.doc, line);
      typed.push(line);
      if (online) onlineSince.push(line);
      else onlineSince.length = 0;
      if (n % 4 === 3 && onlineSince.length > 0) {
        const asked = onlineSince.splice(0);
        await whenStored(provider, 5000).then(
          () => {
            for (const l of asked) confirmed.add(l);
          },
          () => undefined,
        );
      }
      await sleep(everyMs);
    }
  })();
  return {
    name,
    provider,
    typed,
    confirmed,
    async stop() {
      running = false;
      await loop;
    },
  };
}

export interface Mover {
  taskIds: string[];
  /** Per task, the status of the last move the server answered with 2xx. */
  acknowledged: Map<string, string>;
  /** Per task, statuses of moves sent after the last acknowledged one whose answer never came. */
  unknown: Map<string, Set<string>>;
  /** Answers that were neither 2xx nor a lost connection (should stay empty). */
  refusals: string[];
  stop(): Promise<void>;
}

/**
 * Moves its tasks between the board's columns one request at a time through `client()` (asked
 * again before every request, so the caller can point it at another node), remembering the last
 * answered move of each task and the moves whose answer was lost.
 */
export function startMover(client: () => TandemClient, taskIds: string[], statuses: string[], everyMs = 60): Mover {
  const acknowledged = new Map<string, string>();
  const unknown = new Map<string, Set<string>>();
  const refusals: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const taskId = taskIds[n % taskIds.length]!;
      const status = statuses[(n + taskIds.indexOf(taskId)) % statuses.length]!;
      try {
        const task = await client().tracking.tasks.move(taskId, { status });
        acknowledged.set(taskId, task.status);
        unknown.delete(taskId);
      } catch (err) {
        const e = err as { status?: number; code?: string };
        // A dead node (status 0: no answer) or one that says to come back (503): the move may or may not have happened.
        if (!e.status || e.status === 503) {
          const set = unknown.get(taskId) ?? new Set();
          unknown.set(taskId, set.add(status));
        } else refusals.push(`${e.status} ${e.code}`);
        await sleep(200);
      }
      await sleep(everyMs);
    }
  })();
  return {
    taskIds,
    acknowledged,
    unknown,
    refusals,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The document as PostgreSQL holds it (snapshot parts and log rows), whatever any node keeps in memory. */
export async function storedParagraphs(pool: pg.Pool, documentId: string): Promise<string[]> {
  const { rows } = await pool.query<{ data: Buffer }>(
    `SELECT p.data FROM "DocumentSnapshot" s, unnest(ARRAY[s.state] || COALESCE(s.parts, '{}')) WITH ORDINALITY AS p(data, n)
      WHERE s."documentId" = $1
     UNION ALL
     SELECT data FROM (SELECT data FROM "DocumentUpdate" WHERE "documentId" = $1 ORDER BY id) u`,
    [documentId],
  );
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const r of rows) Y.applyUpdate(doc, r.data);
  });
  return paragraphs(doc);
}

/** Lines that occur more than once. */
export function duplicates(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    if (seen.has(l)) return true;
    seen.add(l);
    return false;
  });
}
