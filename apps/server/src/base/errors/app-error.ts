// The one error type. Thrown by name (`throw AppError.notFound()`), rendered by AppErrorFilter as
// `{ error: { code, message, details? } }`.
import { type ErrorCode, ErrorCodes } from '@tandem/protocol';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = ErrorCodes[code];
  }

  static validation(details: unknown, message = 'The request does not match the schema') {
    return new AppError('validation_failed', message, details);
  }
  static badRequest(message: string, details?: unknown) {
    return new AppError('bad_request', message, details);
  }
  static unauthenticated(message = 'Authentication required') {
    return new AppError('unauthenticated', message);
  }
  static forbidden(message = 'Your role does not allow this action') {
    return new AppError('forbidden', message);
  }
  static notFound(what = 'Resource') {
    return new AppError('not_found', `${what} not found`);
  }
  static conflict(message: string, details?: unknown) {
    return new AppError('conflict', message, details);
  }
  static tooLarge(message = 'Payload too large') {
    return new AppError('payload_too_large', message);
  }
  static unsupportedMedia(message = 'Unsupported media type') {
    return new AppError('unsupported_media_type', message);
  }
  static rateLimited(retryAfterSeconds: number, message = 'Too many requests') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new AppError('rate_limited', message, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
  }
  /** The disk the server (or its database) writes to is full: nothing of this request was stored. */
  static insufficientStorage(
    message = "The server's disk is full, so this was not saved. Tell the server's admin; what was saved before is safe",
  ) {
    return new AppError('insufficient_storage', message);
  }
  static unavailable(message = 'Service unavailable', retryAfterSeconds?: number) {
    if (retryAfterSeconds === undefined) return new AppError('unavailable', message);
    const seconds = String(Math.max(1, Math.ceil(retryAfterSeconds)));
    return new AppError('unavailable', message, { retryAfter: Number(seconds) }, { 'Retry-After': seconds });
  }
}
