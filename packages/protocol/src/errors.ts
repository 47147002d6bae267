/** Every error code the API and the sockets can answer with (the OpenAPI document at /api/docs-json, docs/realtime.md). */
export const ErrorCodes = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  /** The server's disk (or its database's) is full: nothing was stored; an admin must free space. */
  insufficient_storage: 507,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The body of every error response: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
