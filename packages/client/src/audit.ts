// A workspace's audit log (owners): pages of entries, and the same selection as CSV.
import type { AuditAction, AuditEntryView, Page } from '@tandem/protocol';
import type { Http, Query } from './http.js';

export interface AuditFilters {
  action?: AuditAction;
  actorId?: string;
  /** ISO time: entries at or after it. */
  since?: string;
}

const path = (workspaceId: string, csv = false) => `/api/v1/workspaces/${workspaceId}/audit${csv ? '.csv' : ''}`;

export function auditApi(http: Http) {
  const csvPath = (workspaceId: string, filters: AuditFilters) =>
    http.url(path(workspaceId, true), { ...filters }).slice(http.baseUrl.length);
  return {
    list: (workspaceId: string, opts: AuditFilters & { limit?: number; cursor?: string } = {}) =>
      http.request<Page<AuditEntryView>>('GET', path(workspaceId), { query: { ...opts } as Query }),
    /** The export's address; it needs the `Authorization` header like every other call. */
    csvUrl: (workspaceId: string, filters: AuditFilters = {}) => `${http.baseUrl}${csvPath(workspaceId, filters)}`,
    /** The whole export as text. */
    csv: (workspaceId: string, filters: AuditFilters = {}) => http.request<string>('GET', csvPath(workspaceId, filters)),
    /** The export as a streaming response (e.g. to save it as a file as it arrives). */
    downloadCsv: (workspaceId: string, filters: AuditFilters = {}) => http.fetchRaw('GET', csvPath(workspaceId, filters)),
  };
}

export type AuditApi = ReturnType<typeof auditApi>;
