// Workspace settings → audit log (owners): who changed members, roles, overrides, shares and
// webhooks, and what was deleted; newest first, filtered by action and person, a page at a time,
// and the same selection exported as CSV.
import type { AuditEntryView } from '@tandem/protocol';
import { type AuditAction, AuditActions } from '@tandem/protocol/audit-actions';
import { allows } from '@tandem/protocol/policy';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useMembers, useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';
import { when } from '../account/account.js';
import '../account/account.css';
import { ACTION_LABELS, changeText, targetName } from './audit-text.js';
import './audit.css';
import { saveResponseAs } from '../../ui/save-response.js';

const PAGE = 50;

interface Filters {
  action?: AuditAction;
  actorId?: string;
}

export function AuditPage({ wid }: { wid: string }) {
  const { data: workspaces } = useWorkspaces();
  const workspace = workspaces?.find((w) => w.id === wid);
  if (workspace && !allows(workspace.role, 'workspace.audit.read')) {
    return (
      <section className="page">
        <h1>Audit log</h1>
        <p className="muted">Only the workspace's owners can read its audit log.</p>
      </section>
    );
  }
  return <AuditLog key={wid} wid={wid} />;
}

function AuditLog({ wid }: { wid: string }) {
  const [filters, setFilters] = useState<Filters>({});
  const [exporting, setExporting] = useState(false);
  const { data: members } = useMembers(wid);
  const log = useInfiniteQuery({
    queryKey: [...keys.audit(wid), filters],
    queryFn: ({ pageParam }) => api.audit.list(wid, { ...filters, limit: PAGE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(filters.action || filters.actorId);

  const exportCsv = async () => {
    setExporting(true);
    try {
      await saveResponseAs(await api.audit.downloadCsv(wid, filters), 'audit.csv');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="page audit-page">
      <header className="page-header">
        <h1>Audit log</h1>
        <span className="spacer" />
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </header>
      <p className="muted">
        Who added or removed people, changed roles, project roles and document shares, deleted projects and documents, and added or removed
        webhooks. Only owners see this.
      </p>
      <div className="inline-form audit-filters">
        <select
          aria-label="Action"
          value={filters.action ?? ''}
          onChange={(e) => setFilters({ ...filters, action: (e.target.value || undefined) as AuditAction | undefined })}
        >
          <option value="">All actions</option>
          {AuditActions.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABELS[a]}
            </option>
          ))}
        </select>
        <select
          aria-label="Person"
          value={filters.actorId ?? ''}
          onChange={(e) => setFilters({ ...filters, actorId: e.target.value || undefined })}
        >
          <option value="">Everyone</option>
          {members?.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName}
            </option>
          ))}
        </select>
        {filtered && (
          <button type="button" className="link" onClick={() => setFilters({})}>
            Clear filters
          </button>
        )}
      </div>
      <FormError error={log.error ? errorMessage(log.error) : null} />
      {log.isPending && <p className="muted">Loading…</p>}
      {log.isSuccess && entries.length === 0 && (
        <p className="muted audit-empty">
          {filtered
            ? 'No entries match these filters.'
            : 'Nothing recorded yet: changes to members, roles, shares and webhooks appear here.'}
        </p>
      )}
      {entries.length > 0 && (
        <table className="audit-table" aria-label="Audit log">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Target</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <AuditRow key={e.id} entry={e} />
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <button type="button" className="audit-more" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

function AuditRow({ entry: e }: { entry: AuditEntryView }) {
  return (
    <tr>
      <td title={new Date(e.createdAt).toLocaleString()}>{when(e.createdAt)}</td>
      <td>{e.actor ? <span title={e.actor.email}>{e.actor.displayName}</span> : <span className="muted">Deleted account</span>}</td>
      <td>
        <span className="pill">{ACTION_LABELS[e.action] ?? e.action}</span> <span className="audit-change">{changeText(e)}</span>
      </td>
      <td className="audit-target" title={e.targetType === 'user' ? String(e.details.email ?? '') : undefined}>
        {targetName(e)}
      </td>
    </tr>
  );
}
