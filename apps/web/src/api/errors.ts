// Turns whatever a call threw into a sentence a person can act on. The API always answers
// `{error:{code,message,details?}}`; the SDK turns that into ApiError.
import { ApiError } from '@tandem/client';

interface FieldIssue {
  field?: string;
  message?: string;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network_error') return 'Cannot reach the server. Your change will be sent when the connection is back.';
    if (err.code === 'validation_failed' && Array.isArray(err.details) && err.details.length > 0) {
      return (err.details as FieldIssue[])
        .map((d) => (d.field && d.field !== '(body)' ? `${d.field}: ${d.message}` : d.message))
        .join('; ');
    }
    if (err.code === 'rate_limited') {
      const wait = Number(err.headers?.get('retry-after'));
      return wait > 0 ? `${err.message} Try again in ${Math.ceil(wait)} s.` : err.message;
    }
    return err.message || `Request failed (${err.status})`;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}

export function isNetworkError(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'network_error';
}

export function isStatus(err: unknown, ...status: number[]): boolean {
  return err instanceof ApiError && status.includes(err.status);
}
