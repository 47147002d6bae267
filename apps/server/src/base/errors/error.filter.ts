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

/** Maps anything thrown to an AppError (unknown errors become a logged 500). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
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
    if (err.status >= 500) log.error({ err: exception }, 'request failed');
    if (err.headers) reply.headers(err.headers);
    const body: { error: { code: ErrorCode; message: string; details?: unknown } } = {
      error: { code: err.code, message: err.message },
    };
    if (err.details !== undefined) body.error.details = err.details;
    void reply.status(err.status).send(body);
  }
}
