// Opaque cursors for `{items, nextCursor}` lists: the sort key of the last item, base64url JSON.
import { AppError } from '../errors/app-error.js';
import { isCleanString, isId } from './validation.js';

/**
 * What one position of a cursor key holds: `id` a uuid, `int` a safe integer, `string` clean text
 * (no NUL, no lone surrogate, at most 1024 characters), `number` a finite number. A cursor holding
 * anything else is a 400 before it reaches a query (where a wrong type would be a 500).
 */
export type CursorPart = 'string' | 'number' | 'id' | 'int';

const fits: Record<CursorPart, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string' && v.length <= 1024 && isCleanString(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  id: (v) => isId(v),
  int: (v) => Number.isSafeInteger(v),
};

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key inside a cursor; a cursor that was not made by encodeCursor is a 400. */
export function decodeCursor(cursor: string | undefined, shape: readonly CursorPart[]): unknown[] | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => fits[shape[i]!](v))) return key;
  } catch {
    // fall through
  }
  throw AppError.validation([{ field: 'cursor', message: 'Invalid cursor' }]);
}

/** Splits a page fetched with limit + 1 rows into items and the next cursor. */
export function toPage<T>(rows: T[], limit: number, keyOf: (last: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.length > limit ? rows.slice(0, limit) : rows;
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
