// Idempotency-Key on POST: a client that did not get the answer to a create (the connection
// dropped, the page was closed mid-request, a queued offline write replays after a reload) sends
// it again with the same key and gets the first answer back instead of a second copy. Keys are
// per user, kept a day (see the purge job), and bound to the request they first came with.
// The first transaction the request commits also marks its key as committed (see Database): a
// request whose create happened but whose answer was lost (the database went away right after the
// commit, or the node died) is never carried out a second time, even once its key is abandoned.
import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable, of, throwError } from 'rxjs';
import { Database } from '../database/database.js';
import { idempotentRequest } from '../database/idempotent-request.js';
import { AppError } from '../errors/app-error.js';

const HEADER = 'idempotency-key';
/** Printable ASCII without spaces, as the IETF draft and the common APIs take it. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
/** A first request still unanswered after this long died with its node: a retry may take over. */
const ABANDONED_MS = 60_000;
/** How often a write to a key that failed (the database is away) is tried again. */
const RETRY_MS = 500;

interface Stored {
  fingerprint: string;
  statusCode: number | null;
  response: unknown;
  createdAt: Date;
  committedAt: Date | null;
  completedAt: Date | null;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly db: Database) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: { id: string } }>();
    const raw = req.headers[HEADER];
    if (req.method !== 'POST' || raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw AppError.badRequest('Idempotency-Key must be 1 to 255 printable characters without spaces');
    }
    // Anonymous routes (sign-in, sign-up) have nobody to scope a key to; they are not creates a
    // client retries blindly.
    const userId = req.actor?.id;
    if (!userId) return next.handle();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.url}\n`)
      .update(req.body === undefined ? '' : JSON.stringify(req.body))
      .digest('hex');

    const claimed = await this.claim(userId, key, fingerprint).catch((err: unknown) => {
      // The claim may have committed with its answer lost (the database went away): let go of a
      // claim that never got further, or the client's retry would wait for it to be abandoned.
      const unclaim = () =>
        this.db.pool.query(
          `DELETE FROM "IdempotencyKey" WHERE "userId" = $1 AND "key" = $2 AND "fingerprint" = $3 AND "committedAt" IS NULL AND "completedAt" IS NULL`,
          [userId, key, fingerprint],
        );
      this.later(unclaim);
      throw err;
    });
    if (claimed !== 'ours') {
      if (claimed.fingerprint !== fingerprint) {
        throw AppError.conflict('This Idempotency-Key was already used for a different request; send a new key');
      }
      const finishedWithoutAnswer = claimed.completedAt !== null && claimed.statusCode === null;
      const diedAfterCommit =
        claimed.completedAt === null && claimed.committedAt !== null && Date.now() - claimed.committedAt.getTime() > ABANDONED_MS;
      if (finishedWithoutAnswer || diedAfterCommit) {
        throw AppError.conflict(
          'The request with this Idempotency-Key was carried out, but its answer was lost; reload to see the result',
          {
            reason: 'answer_lost',
          },
        );
      }
      if (claimed.completedAt === null) {
        throw AppError.conflict('A request with this Idempotency-Key is still being processed; retry in a moment');
      }
      void reply.header('idempotent-replayed', 'true');
      void reply.status(claimed.statusCode ?? 200);
      return of(claimed.response);
    }

    const status = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;
    const release = () => this.db.pool.query(`DELETE FROM "IdempotencyKey" WHERE "userId" = $1 AND "key" = $2`, [userId, key]);
    // A failed attempt that committed nothing lets its key go; one that failed after a commit (a
    // read after it, the database going away) made the create happen: its key says so for good.
    const settleFailed = () =>
      this.db.pool.query(
        `WITH free AS (DELETE FROM "IdempotencyKey" WHERE "userId" = $1 AND "key" = $2 AND "committedAt" IS NULL)
         UPDATE "IdempotencyKey" SET "completedAt" = now() WHERE "userId" = $1 AND "key" = $2 AND "committedAt" IS NOT NULL`,
        [userId, key],
      );
    const handled = new Observable<unknown>((subscriber) => {
      const subscription = idempotentRequest.run({ userId, key }, () => next.handle().subscribe(subscriber));
      return () => subscription.unsubscribe();
    });
    return handled.pipe(
      concatMap(async (body: unknown) => {
        // A handler that wrote the reply itself has nothing to replay: the key is let go.
        if (body === undefined) await release();
        else {
          const complete = () =>
            this.db.pool.query(
              `UPDATE "IdempotencyKey" SET "statusCode" = $3, "response" = $4, "completedAt" = now() WHERE "userId" = $1 AND "key" = $2`,
              [userId, key, status, JSON.stringify(body)],
            );
          // The create happened but its answer cannot be kept now (the database went away): keep
          // trying, so the client's retry gets this answer once the database is back.
          await complete().catch((err: unknown) => {
            this.later(complete);
            throw err;
          });
        }
        return body;
      }),
      // A refused or failed first attempt that committed nothing leaves the key free: the retry is a
      // fresh request. While the database is away this cannot be written now: keep trying, so the
      // client's retry is not refused as "still being processed" until the key is abandoned.
      catchError((err: unknown) => from(settleFailed().catch(() => this.later(settleFailed))).pipe(concatMap(() => throwError(() => err)))),
    );
  }

  /** Retries a write to the key that failed (the database is away) until it lands or the key is abandoned. */
  private later(write: () => Promise<unknown>) {
    const until = Date.now() + ABANDONED_MS;
    const attempt = () => {
      if (Date.now() > until) return;
      write().catch(() => setTimeout(attempt, RETRY_MS).unref());
    };
    setTimeout(attempt, RETRY_MS).unref();
  }

  /** Takes the key for this request, or returns what an earlier request with it left. */
  private async claim(userId: string, key: string, fingerprint: string): Promise<'ours' | Stored> {
    const inserted = await this.db.pool.query(
      `INSERT INTO "IdempotencyKey" ("userId", "key", "fingerprint") VALUES ($1, $2, $3)
       ON CONFLICT ("userId", "key") DO UPDATE SET "fingerprint" = EXCLUDED."fingerprint", "createdAt" = now()
         WHERE "IdempotencyKey"."completedAt" IS NULL AND "IdempotencyKey"."committedAt" IS NULL
           AND "IdempotencyKey"."createdAt" < now() - make_interval(secs => $4)
       RETURNING 1`,
      [userId, key, fingerprint, ABANDONED_MS / 1000],
    );
    if (inserted.rowCount) return 'ours';
    const { rows } = await this.db.pool.query<Stored>(
      `SELECT "fingerprint", "statusCode", "response", "createdAt", "committedAt", "completedAt" FROM "IdempotencyKey" WHERE "userId" = $1 AND "key" = $2`,
      [userId, key],
    );
    // Gone between the two statements (the first attempt failed and let it go): take it now.
    return rows[0] ?? this.claim(userId, key, fingerprint);
  }
}
