// Renders every thrown thing as `{ error: { code, message, details? } }`; never leaks a stack.
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { ErrorCode } from '@tandem/protocol';
import type { FastifyReply } from 'fastify';
import { logger } from '../logger/logger.js';
import { AppError } from './app-error.js';

const log = logger('http');

const byStatus: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Error codes of a database that cannot be reached right now (network, server restarting, pool exhausted). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
  '53300', // too many connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'P1001', // Prisma: can't reach the database server
  'P1002',
  'P1008',
  'P1017', // Prisma: server closed the connection
  'P2024', // Prisma: timed out fetching a connection from the pool
  'P2028', // Prisma: the transaction's connection went away under it (or it outlived its timeout)
]);
const UNREACHABLE_MESSAGE =
  /connection terminated|connection refused|ECONNREFUSED|can't reach database server|server (has )?closed the connection|connection (is )?closed|is not queryable|transaction already closed|socket hang up/i;

/** What the error walkers look at in a thrown thing and in what it wraps (pg, Prisma and its driver adapter). */
export interface ErrorFacts {
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  originalMessage?: unknown;
  constraint?: unknown;
}

/**
 * Whether `test` holds for `err` or anything it wraps: its `cause` chain, and the driver's error
 * that Prisma keeps under `meta.driverAdapterError` when a raw query fails (P2010).
 */
export function anyCause(err: unknown, test: (e: ErrorFacts) => boolean, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as ErrorFacts & { cause?: unknown; meta?: { driverAdapterError?: unknown } };
  return test(e) || anyCause(e.cause, test, depth + 1) || anyCause(e.meta?.driverAdapterError, test, depth + 1);
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Whether `err` (or what caused it) says the database is unreachable rather than that the request is
 * wrong (a raw query's closed connection says so only in its driver error's `kind`).
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  return anyCause(
    err,
    (e) =>
      (isString(e.code) && UNREACHABLE_CODES.has(e.code)) ||
      (isString(e.originalCode) && UNREACHABLE_CODES.has(e.originalCode)) ||
      (isString(e.kind) && /NotReachable|ConnectionClosed|SocketTimeout|TooManyConnections/.test(e.kind)) ||
      (isString(e.message) && UNREACHABLE_MESSAGE.test(e.message)),
  );
}

/**
 * A full disk: the node's own (ENOSPC; EDQUOT over a quota) or its PostgreSQL's (53100 disk_full,
 * "could not extend file … No space left on device"). Not the client's fault and not fixed by
 * retrying in a few seconds: an admin must free space.
 */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', '53100']);
const DISK_FULL_MESSAGE = /no space left on device|disk quota exceeded/i;

/** Whether `err` (or what caused it) says a disk is full. */
export function isDiskFull(err: unknown): boolean {
  return anyCause(
    err,
    (e) =>
      (isString(e.code) && DISK_FULL_CODES.has(e.code)) ||
      (isString(e.originalCode) && DISK_FULL_CODES.has(e.originalCode)) ||
      (isString(e.message) && DISK_FULL_MESSAGE.test(e.message)),
  );
}

/** pg-pool's words for a wait for a free connection that ran out (DATABASE_POOL_WAIT_MS). */
const POOL_BUSY_MESSAGE = /timeout exceeded when trying to connect/i;

/**
 * Whether `err` says the node waited DATABASE_POOL_WAIT_MS for one of its database connections, all
 * of them busy (pg-pool's wording; a connection that cannot be opened says "connection timeout").
 */
export function isDatabaseBusy(err: unknown): boolean {
  return anyCause(err, (e) => isString(e.message) && POOL_BUSY_MESSAGE.test(e.message));
}

/** How long a client should wait before retrying while the database is unreachable or busy. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Maps anything thrown to an AppError (unknown errors become a logged 500). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDiskFull(err)) return AppError.insufficientStorage();
  if (isDatabaseBusy(err)) return AppError.unavailable('The database is busy; try again shortly', DATABASE_RETRY_AFTER_SECONDS);
  if (isDatabaseUnreachable(err)) {
    return AppError.unavailable('The database is unreachable; try again shortly', DATABASE_RETRY_AFTER_SECONDS);
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return new AppError('not_found', 'Route not found');
    const code = byStatus[status] ?? (status >= 500 ? 'internal' : 'bad_request');
    return new AppError(code, status >= 500 ? 'Internal error' : err.message);
  }
  const e = err as { code?: string; statusCode?: number; message?: string; meta?: unknown };
  // Fastify's own errors (body parsing and limits).
  if (typeof e?.code === 'string' && e.code.startsWith('FST_')) {
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return AppError.tooLarge('Request body too large');
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return AppError.unsupportedMedia('Unsupported Content-Type');
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return AppError.badRequest('Empty JSON body');
    if (e.code.startsWith('FST_ERR_CTP') || e.statusCode === 400) return AppError.badRequest('Malformed request body');
  }
  if (e?.statusCode === 400 && err instanceof SyntaxError) return AppError.badRequest('Malformed JSON body');
  if (e?.statusCode === 413) return AppError.tooLarge();
  if (e?.statusCode === 415) return AppError.unsupportedMedia();
  // Prisma known request errors.
  if (e?.code === 'P2002') return AppError.conflict('Already exists', e.meta);
  if (e?.code === 'P2025') return AppError.notFound();
  return new AppError('internal', 'Internal error');
}

@Catch()
export class AppErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const err = toAppError(exception);
    if (err.code === 'insufficient_storage') log.error({ err: (exception as Error)?.message }, 'request failed: the disk is full');
    else if (err.status >= 500 && err.code !== 'unavailable') log.error({ err: exception }, 'request failed');
    else if (err.code === 'unavailable')
      log.warn({ err: (exception as Error)?.message }, 'request failed: a dependency is unreachable or busy');
    if (err.headers) reply.headers(err.headers);
    const body: { error: { code: ErrorCode; message: string; details?: unknown } } = {
      error: { code: err.code, message: err.message },
    };
    if (err.details !== undefined) body.error.details = err.details;
    void reply.status(err.status).send(body);
  }
}
