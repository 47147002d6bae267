// Request validation with the zod schemas from @tandem/protocol. One way to validate: `@ValidBody(S)`,
// `@ValidQuery(S)` and `@IdParam('id')`; each also describes itself in the OpenAPI document.
import { applyDecorators, Body, Param, type PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL can store and every client can render: no NUL, no unpaired UTF-16 surrogate. */
export function isCleanString(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/**
 * The paths of strings (values and object keys, at any depth) that are not clean. One check for
 * every body and query, before any schema: a NUL or lone surrogate is a 400 wherever it hides.
 */
export function uncleanStrings(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (found.length >= 20) return found;
  if (typeof value === 'string') {
    if (!isCleanString(value)) found.push(path.join('.') || '(body)');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) uncleanStrings(value[i], [...path, String(i)], found);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isCleanString(k)) found.push([...path, '(key)'].join('.'));
      else uncleanStrings(v, [...path, k], found);
    }
  }
  return found;
}

export class ZodPipe<T extends z.ZodType> implements PipeTransform {
  constructor(private readonly schema: T) {}
  transform(value: unknown): z.infer<T> {
    const unclean = uncleanStrings(value);
    if (unclean.length) {
      throw AppError.validation(unclean.map((field) => ({ field, message: 'Contains a NUL character or an unpaired surrogate' })));
    }
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw AppError.validation(result.error.issues.map(issueDetail));
  }
}

/**
 * One field's problem: `field` and `message` (API.md), plus the kind of problem and its limit so
 * clients can say it in their own words next to the field (`issue`: too_small, too_big,
 * invalid_format, invalid_value, invalid_type, unrecognized_keys, custom).
 */
function issueDetail(i: z.core.$ZodIssue) {
  const limit = 'minimum' in i ? i.minimum : 'maximum' in i ? i.maximum : undefined;
  return {
    field: i.path.join('.') || '(body)',
    message: i.message,
    issue: i.code,
    ...(limit !== undefined ? { limit: Number(limit) } : {}),
    ...('origin' in i && i.origin ? { origin: i.origin } : {}),
    ...('format' in i && i.format ? { format: i.format } : {}),
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return { type: 'object' };
  }
}

export function ValidBody(schema: z.ZodType): ParameterDecorator {
  return Body(new ZodPipe(schema));
}

export function ValidQuery(schema: z.ZodType): ParameterDecorator {
  return Query(new ZodPipe(schema));
}

/** Documents a body schema on a route (use with @ValidBody on the parameter). */
export function ApiJsonBody(schema: z.ZodType) {
  return applyDecorators(ApiBody({ schema: jsonSchema(schema) as never }));
}

export function ApiQueryFrom(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.keys(schema.shape).map((name) =>
      ApiQuery({ name, required: false, schema: jsonSchema(schema.shape[name] as z.ZodType) as never }),
    ),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id. Ids are opaque to clients; anything that cannot be an id is simply not found. */
export class IdPipe implements PipeTransform {
  constructor(private readonly what: string) {}
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw AppError.notFound(this.what);
    return value.toLowerCase();
  }
}

export function IdParam(name: string, what = 'Resource'): ParameterDecorator {
  const param = Param(name, new IdPipe(what));
  const doc = ApiParam({ name, type: String });
  return (target, key, index) => {
    param(target, key, index);
    if (key !== undefined) doc(target, key, Object.getOwnPropertyDescriptor(target, key)!);
  };
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
