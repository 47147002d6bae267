// Ctrl/Cmd-K anywhere: search while typing (debounced), results grouped by kind with highlighted
// snippets and where each lives, arrows + Enter to open, recent items when empty, projects to jump
// to and a few commands. Offline it searches what this device has cached, and says so.

import type { SearchKind } from '@tandem/protocol';
import { onlineManager, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useProjects, useWorkspaces } from '../../api/queries.js';
import { client } from '../../api/session.js';
import { api } from '../../api/tandem.js';
import { navigate, paths } from '../../app/router.js';
import { Highlighted } from './Highlighted.js';
import { fromHit, openItem, type PaletteItem, recentItems, searchCache } from './search-items.js';
import './search.css';

const DEBOUNCE_MS = 120;
const GROUPS: { type: SearchKind; label: string }[] = [
  { type: 'task', label: 'Tasks' },
  { type: 'document', label: 'Documents' },
  { type: 'comment', label: 'Comments' },
  { type: 'file', label: 'Files' },
];

type Entry =
  | { kind: 'item'; item: PaletteItem }
  | { kind: 'action'; id: string; label: string; hint: string; run: () => void | Promise<void> };

export function useOnline(): boolean {
  return useSyncExternalStore(
    (l) => onlineManager.subscribe(l),
    () => onlineManager.isOnline(),
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Mounted once by the shell; opens on Ctrl/Cmd-K (and on the `tandem:search` event from the top bar). */
export function SearchPalette({ wid }: { wid: string | null }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // In text being edited Ctrl/Cmd-K adds a link: the editor handles it first and says so.
      if (e.defaultPrevented) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener('tandem:search', onOpen);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('tandem:search', onOpen);
    };
  }, []);
  if (!open || !wid) return null;
  return <Palette wid={wid} onClose={() => setOpen(false)} />;
}

export function openSearchPalette() {
  window.dispatchEvent(new Event('tandem:search'));
}

function Palette({ wid, onClose }: { wid: string; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const online = useOnline();
  const term = useDebounced(q.trim(), DEBOUNCE_MS);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const { data: projects } = useProjects(wid);
  const { data: workspaces } = useWorkspaces();

  const results = useQuery({
    queryKey: ['search', wid, term],
    queryFn: () => client.search.query({ q: term, workspaceId: wid, limit: 20 }),
    enabled: online && term.length > 0,
    placeholderData: (prev) => prev,
    staleTime: 10_000,
    gcTime: 60_000,
  });

  const items: PaletteItem[] = useMemo(() => {
    if (!term) return recentItems(wid);
    if (!online) return searchCache(wid, term);
    return (results.data?.items ?? []).map(fromHit);
  }, [term, online, results.data, wid]);

  const actions: Entry[] = useMemo(() => {
    const needle = term.toLowerCase();
    const out: Entry[] = [];
    for (const p of projects ?? []) {
      if (!needle || p.name.toLowerCase().includes(needle) || p.key.toLowerCase().startsWith(needle))
        out.push({ kind: 'action', id: `p-${p.id}`, label: p.name, hint: `Project ${p.key}`, run: () => navigate(paths.board(wid, p.id)) });
    }
    const first = projects?.[0];
    if (first && online)
      out.push({
        kind: 'action',
        id: 'new-task',
        label: term ? `New task “${term}”` : 'New task',
        hint: `in ${first.name}`,
        run: async () => {
          const task = await api.tasks.create(first.id, { title: term || 'Untitled task' });
          navigate(paths.task(wid, first.id, task.id));
        },
      });
    if (online)
      out.push({
        kind: 'action',
        id: 'new-doc',
        label: term ? `New document “${term}”` : 'New document',
        hint: 'Knowledge base',
        run: async () => {
          const doc = await api.documents.create(wid, { title: term || 'Untitled' });
          navigate(paths.doc(wid, doc.id));
        },
      });
    for (const w of workspaces ?? []) {
      if (w.id === wid || (needle && !w.name.toLowerCase().includes(needle) && !'switch workspace'.includes(needle))) continue;
      out.push({
        kind: 'action',
        id: `w-${w.id}`,
        label: `Switch to ${w.name}`,
        hint: 'Workspace',
        run: () => navigate(paths.workspace(w.id)),
      });
    }
    return out.slice(0, term ? 6 : 8);
  }, [projects, workspaces, term, wid, online]);

  const groups = useMemo(() => {
    const byType = GROUPS.map((g) => ({ ...g, items: items.filter((i) => i.type === g.type) })).filter((g) => g.items.length);
    return byType;
  }, [items]);
  const entries: Entry[] = useMemo(
    () => [...groups.flatMap((g) => g.items.map((item) => ({ kind: 'item' as const, item }))), ...actions],
    [groups, actions],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: new results start at the top
  useEffect(() => setActive(0), [term, online]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the active option
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (e: Entry | undefined) => {
    if (!e) return;
    onClose();
    if (e.kind === 'item') openItem(e.item);
    else void e.run();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(entries.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        onClose();
        navigate(`${paths.workspace(wid)}/search?q=${encodeURIComponent(q.trim())}`);
      } else choose(entries[active]);
    }
  };

  let index = -1;
  const row = (entry: Entry, children: React.ReactNode, key: string) => {
    index++;
    const i = index;
    return (
      <div
        key={key}
        id={`search-option-${i}`}
        role="option"
        tabIndex={-1}
        aria-selected={i === active}
        className={`search-option ${i === active ? 'active' : ''}`}
        onMouseMove={() => setActive(i)}
        onClick={() => choose(entry)}
        onKeyDown={undefined}
      >
        {children}
      </div>
    );
  };

  const searching = online && term.length > 0 && results.isFetching;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside the palette closes it, like Esc
    <div className="search-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="search-palette" role="dialog" aria-modal="true" aria-label="Search">
        <div className="search-input-row">
          <span className="search-icon" aria-hidden="true">
            ⌕
          </span>
          <input
            ref={input}
            autoFocus
            role="combobox"
            aria-expanded="true"
            aria-controls="search-options"
            aria-activedescendant={entries.length ? `search-option-${active}` : undefined}
            aria-label="Search tasks, documents, comments and files"
            placeholder="Search tasks, documents, comments, files…"
            value={q}
            maxLength={500}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKeyDown}
          />
          {searching && (
            <span className="search-spinner">
              <span className="sr-only">Searching</span>
            </span>
          )}
          <kbd>Esc</kbd>
        </div>
        {!online && <div className="search-offline">Offline — searching what this device has saved</div>}
        <div className="search-options" id="search-options" role="listbox" ref={list}>
          {!term && items.length > 0 && <div className="search-group-label">Recent</div>}
          {groups.map((g) => (
            <div key={g.type}>
              {term && <div className="search-group-label">{g.label}</div>}
              {g.items.map((item) =>
                row(
                  { kind: 'item', item },
                  <>
                    <div className="search-option-title">
                      <span className={`search-kind kind-${item.type}`}>{kindLabel(item)}</span>
                      <span className="search-title-text">
                        <Highlighted text={item.title || 'Untitled'} ranges={item.titleHighlights} />
                      </span>
                      {item.path && <span className="search-path">{item.path}</span>}
                    </div>
                    {item.snippet && (
                      <div className="search-snippet">
                        <Highlighted text={item.snippet} ranges={item.highlights} />
                      </div>
                    )}
                  </>,
                  `${item.type}-${item.id}`,
                ),
              )}
            </div>
          ))}
          {term && online && !results.isPending && items.length === 0 && !results.isError && (
            <div className="search-empty">Nothing found for “{term}”</div>
          )}
          {results.isError && <div className="search-empty">Search failed — try again</div>}
          {actions.length > 0 && <div className="search-group-label">{term ? 'Go to & create' : 'Jump to'}</div>}
          {actions.map((a) =>
            a.kind === 'action'
              ? row(
                  a,
                  <div className="search-option-title">
                    <span className="search-kind kind-action">{a.id.startsWith('p-') ? '▦' : a.id.startsWith('w-') ? '⇄' : '+'}</span>
                    <span className="search-title-text">{a.label}</span>
                    <span className="search-path">{a.hint}</span>
                  </div>,
                  a.id,
                )
              : null,
          )}
        </div>
        <div className="search-footer">
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> all results
          </span>
        </div>
      </div>
    </div>
  );
}

function kindLabel(item: PaletteItem): string {
  if (item.type === 'task') return item.taskKey ?? 'Task';
  if (item.type === 'comment') return item.taskKey ? `💬 ${item.taskKey}` : '💬';
  if (item.type === 'file') return '📎';
  return '📄';
}
