// Counts the SQL statements a server sends to PostgreSQL on behalf of one HTTP request. Every
// statement of a node goes through its one pg pool (Prisma's adapter and the raw-SQL paths alike):
// `pool.query` sends one, and a client checked out with `pool.connect()` (Prisma transactions) sends
// one per `client.query`. Each is tagged with the request id of the async context that sent it
// (requestContext, set per request by the HTTP hooks), so background work (jobs, relays) is not
// counted, and requests are told apart by the `x-request-id` a tagged client sends.
import { randomUUID } from 'node:crypto';
import { TandemClient } from '@tandem/client';
import type pg from 'pg';
import { requestContext } from '../../apps/server/src/base/logger/logger.js';
import type { TestServer } from './server.js';

export interface Statement {
  sql: string;
  requestId: string | undefined;
}

export interface QueryCounter {
  /** Every statement seen since install, in the order they were sent. */
  readonly statements: Statement[];
  /** A client acting with `as`'s tokens whose every request carries a fresh, recorded request id. */
  clientAs(as: TandemClient): TandemClient & { lastRequestId(): string };
  /** The statements sent for the request with this id. */
  of(requestId: string): string[];
  stop(): void;
}

const textOf = (q: unknown): string =>
  typeof q === 'string' ? q : typeof q === 'object' && q && 'text' in q ? String((q as { text: unknown }).text) : String(q);

export function countQueries(server: TestServer): QueryCounter {
  const pool = server.db.pool as pg.Pool & { query: (...a: unknown[]) => unknown; connect: (...a: unknown[]) => unknown };
  const statements: Statement[] = [];
  const record = (q: unknown) =>
    statements.push({ sql: textOf(q).replace(/\s+/g, ' ').trim(), requestId: requestContext.getStore()?.requestId });

  const originalQuery = pool.query;
  const originalConnect = pool.connect;
  pool.query = function (this: pg.Pool, ...args: unknown[]) {
    record(args[0]);
    return originalQuery.apply(this, args);
  };
  // `pool.query` checks out its client with a callback (counted above); direct callers (Prisma's
  // transactions) use the promise form: their client counts each statement until it is released.
  pool.connect = function (this: pg.Pool, ...args: unknown[]) {
    const result = originalConnect.apply(this, args);
    if (args.length > 0) return result;
    return (result as Promise<pg.PoolClient>).then((client) => {
      const query = client.query;
      const release = client.release;
      client.query = function (this: pg.PoolClient, ...a: unknown[]) {
        record(a[0]);
        return (query as (...x: unknown[]) => unknown).apply(this, a);
      } as typeof client.query;
      client.release = function (this: pg.PoolClient, ...a: unknown[]) {
        client.query = query;
        client.release = release;
        return (release as (...x: unknown[]) => unknown).apply(this, a);
      } as typeof client.release;
      return client;
    });
  };

  return {
    statements,
    clientAs(as) {
      let last = '';
      const tagging: typeof fetch = (input, init) => {
        last = `count-${randomUUID()}`;
        const headers = new Headers(init?.headers);
        headers.set('x-request-id', last);
        return fetch(input, { ...init, headers });
      };
      const c = new TandemClient({ baseUrl: as.baseUrl, tokens: as.http.tokens, fetch: tagging });
      return Object.assign(c, { lastRequestId: () => last });
    },
    of(requestId) {
      return statements.filter((s) => s.requestId === requestId).map((s) => s.sql);
    },
    stop() {
      pool.query = originalQuery;
      pool.connect = originalConnect;
    },
  };
}
