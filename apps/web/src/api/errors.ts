// Turns whatever a call threw into a sentence a person can act on. The API always answers
// `{error:{code,message,details?}}`; the SDK turns that into ApiError. Validation details name the
// field and the kind of problem (with its limit); they are said here in plain words, never as the
// schema's own text.
import { ApiError } from '@tandem/client';

interface FieldIssue {
  field?: string;
  message?: string;
  issue?: string;
  limit?: number;
  origin?: string;
  format?: string;
}

/** What people call each field the API may complain about. */
const FIELD_NAMES: Record<string, string> = {
  displayName: 'Name',
  name: 'Name',
  title: 'Title',
  body: 'Comment',
  text: 'Text',
  description: 'Description',
  email: 'Email',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  key: 'Key',
  role: 'Role',
  goal: 'Goal',
  color: 'Colour',
  expiresAt: 'Expiry',
  maxUses: 'Uses',
  dueDate: 'Due date',
  markdown: 'Text',
};

const fieldName = (field: string | undefined) => {
  const last = (field ?? '').split('.').pop() ?? '';
  return FIELD_NAMES[last] ?? (last ? last.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()) : 'This');
};

/** One validation problem as a sentence about its field. */
export function issueSentence(d: FieldIssue): string {
  const name = fieldName(d.field);
  const unit = d.origin === 'array' ? 'items' : d.origin === 'number' || d.origin === 'int' ? '' : 'characters';
  switch (d.issue) {
    case 'too_small':
      if (d.origin === 'string' && (d.limit ?? 0) <= 1) return `${name} cannot be empty.`;
      return unit ? `${name} needs at least ${d.limit} ${unit}.` : `${name} must be at least ${d.limit}.`;
    case 'too_big':
      return unit ? `${name} can be at most ${d.limit} ${unit}.` : `${name} can be at most ${d.limit}.`;
    case 'invalid_format':
      if (d.format === 'email') return 'Enter a valid email address, like name@company.com.';
      if (d.format === 'datetime' || d.format === 'date') return `${name} is not a valid date.`;
      if (d.format === 'regex') return `${name} contains characters that are not allowed.`;
      return `${name} is not in the expected format.`;
    case 'invalid_value':
      return `Choose one of the offered values for ${name.toLowerCase()}.`;
    case 'invalid_type':
      return d.field && d.field !== '(body)'
        ? `${name} is missing or not valid.`
        : 'The request was not understood. Reload the page and try again.';
    case 'unrecognized_keys':
      return 'This version of the app sent something the server does not know. Reload the page and try again.';
  }
  // Server-made details ("must be in the future") read after the field's name.
  if (d.message && /^(is|must|already|can|cannot)\b/.test(d.message)) return `${name} ${d.message}.`;
  return d.message ? `${name}: ${d.message}` : `${name} is not valid.`;
}

/** Field → sentence for a validation error (empty for anything else), to show next to each field. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as FieldIssue[]) {
    if (d && typeof d.field === 'string' && d.field !== '(body)' && !out[d.field]) out[d.field] = issueSentence(d);
  }
  return out;
}

const BY_CODE: Record<string, string> = {
  unauthenticated: 'Your session has ended. Sign in again.',
  forbidden: 'Your role here does not allow this.',
  not_found: 'This no longer exists, or you no longer have access to it.',
  conflict: 'Someone changed this at the same time. Reload and try again.',
  payload_too_large: 'This is too large to send.',
  unsupported_media_type: 'This type of file is not accepted.',
  internal: 'Something went wrong on the server. Try again in a moment.',
  unavailable: 'The server is busy or restarting. Try again in a moment.',
  insufficient_storage: "The server's disk is full, so this was not saved. Tell the server's admin.",
};

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network_error') return 'Cannot reach the server. Your change will be sent when the connection is back.';
    if (err.code === 'validation_failed' && Array.isArray(err.details) && err.details.length > 0) {
      return [...new Set((err.details as FieldIssue[]).map(issueSentence))].join(' ');
    }
    if (err.code === 'rate_limited') {
      const wait = Number(err.headers?.get('retry-after'));
      const base = err.message || 'Too many attempts.';
      return wait > 0 ? `${base} Try again in ${wait >= 90 ? `${Math.ceil(wait / 60)} minutes` : `${Math.ceil(wait)} seconds`}.` : base;
    }
    // The server's own sentence when it wrote one for this case; the generic one otherwise.
    const generic = /^(Resource not found|Authentication required|Internal server error|Service unavailable|Payload too large)$/i;
    if (err.message && !generic.test(err.message) && err.code !== 'internal') return err.message;
    return BY_CODE[err.code] ?? `Request failed (${err.status}).`;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function isNetworkError(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'network_error';
}

export function isStatus(err: unknown, ...status: number[]): boolean {
  return err instanceof ApiError && status.includes(err.status);
}
