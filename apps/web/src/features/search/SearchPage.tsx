// The full results page (/w/:wid/search?q=…): the same search with filters (type, project,
// assignee, status, updated since) and paging. Filters live in the URL so a search can be shared.

import type { SearchKind } from '@tandem/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useMembers, useProjects } from '../../api/queries.js';
import { client } from '../../api/session.js';
import { navigate, paths } from '../../app/router.js';
import { Highlighted } from './Highlighted.js';
import { useOnline } from './SearchPalette.js';
import { fromHit, openItem, searchCache } from './search-items.js';
import './search.css';

const PAGE = 20;
const TYPES: { value: '' | SearchKind; label: string }[] = [
  { value: '', label: 'Everything' },
  { value: 'task', label: 'Tasks' },
  { value: 'document', label: 'Documents' },
  { value: 'comment', label: 'Comments' },
  { value: 'file', label: 'Files' },
];

interface Filters {
  q: string;
  type: '' | SearchKind;
  projectId: string;
  assigneeId: string;
  status: string;
  since: string;
}

function readFilters(): Filters {
  const s = new URLSearchParams(window.location.search);
  return {
    q: s.get('q') ?? '',
    type: (s.get('type') ?? '') as Filters['type'],
    projectId: s.get('project') ?? '',
    assigneeId: s.get('assignee') ?? '',
    status: s.get('status') ?? '',
    since: s.get('since') ?? '',
  };
}

export function SearchPage({ wid }: { wid: string }) {
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [draft, setDraft] = useState(filters.q);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const online = useOnline();
  const { data: projects } = useProjects(wid);
  const { data: members } = useMembers(wid);

  const update = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    setCursors([undefined]);
    const s = new URLSearchParams();
    if (next.q) s.set('q', next.q);
    if (next.type) s.set('type', next.type);
    if (next.projectId) s.set('project', next.projectId);
    if (next.assigneeId) s.set('assignee', next.assigneeId);
    if (next.status) s.set('status', next.status);
    if (next.since) s.set('since', next.since);
    navigate(`${paths.workspace(wid)}/search${s.size ? `?${s}` : ''}`, { replace: true });
  };

  useEffect(() => {
    const t = setTimeout(() => draft !== filters.q && update({ q: draft }), 250);
    return () => clearTimeout(t);
  });

  const cursor = cursors[cursors.length - 1];
  const results = useQuery({
    queryKey: ['search', wid, 'page', filters, cursor],
    queryFn: () =>
      client.search.query({
        q: filters.q,
        workspaceId: wid,
        type: filters.type || undefined,
        projectId: filters.projectId || undefined,
        assigneeId: filters.assigneeId || undefined,
        status: filters.status || undefined,
        updatedSince: filters.since || undefined,
        limit: PAGE,
        cursor,
      }),
    enabled: online,
    placeholderData: keepPreviousData,
  });
  const items = online ? (results.data?.items ?? []).map(fromHit) : searchCache(wid, filters.q);
  const projectName = (id?: string) => projects?.find((p) => p.id === id)?.name;

  return (
    <section className="page search-page">
      <h1>Search</h1>
      <div className="search-filters">
        <input
          type="search"
          className="search-page-input"
          aria-label="Search"
          placeholder="Search tasks, documents, comments, files…"
          value={draft}
          maxLength={500}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
        />
        <select aria-label="Type" value={filters.type} onChange={(e) => update({ type: e.target.value as Filters['type'] })}>
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <select aria-label="Project" value={filters.projectId} onChange={(e) => update({ projectId: e.target.value })}>
          <option value="">All projects</option>
          {projects?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <select aria-label="Assignee" value={filters.assigneeId} onChange={(e) => update({ assigneeId: e.target.value })}>
          <option value="">Any assignee</option>
          {members?.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName}
            </option>
          ))}
        </select>
        <input
          aria-label="Status"
          placeholder="Status"
          className="search-status"
          value={filters.status}
          onChange={(e) => update({ status: e.target.value })}
        />
        <label className="search-since">
          Updated since <input type="date" value={filters.since} onChange={(e) => update({ since: e.target.value })} />
        </label>
      </div>
      {!online && <p className="search-offline">Offline — showing matches from what this device has saved</p>}
      {results.isError && <p className="form-error">Search failed: {(results.error as Error).message}</p>}
      <ol className="search-results" aria-label="Results">
        {items.map((item) => (
          <li key={`${item.type}-${item.id}`}>
            <button type="button" className="search-result" onClick={() => openItem(item)}>
              <span className="search-option-title">
                <span className={`search-kind kind-${item.type}`}>{item.type === 'task' ? (item.taskKey ?? 'Task') : item.type}</span>
                <span className="search-title-text">
                  <Highlighted text={item.title || 'Untitled'} ranges={item.titleHighlights} />
                </span>
                <span className="search-path">{item.path || projectName(item.projectId)}</span>
              </span>
              {item.snippet && (
                <span className="search-snippet">
                  <Highlighted text={item.snippet} ranges={item.highlights} />
                </span>
              )}
            </button>
          </li>
        ))}
      </ol>
      {online && !results.isPending && items.length === 0 && <p className="muted">Nothing found.</p>}
      {online && (
        <div className="row search-paging">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ← Previous
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            disabled={!results.data?.nextCursor}
            onClick={() => setCursors((c) => [...c, results.data?.nextCursor ?? undefined])}
          >
            Next →
          </button>
        </div>
      )}
    </section>
  );
}
