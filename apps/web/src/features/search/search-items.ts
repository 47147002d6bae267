// What the palette and the results page show and open: server hits, recent items and, offline,
// matches from the persisted query cache. One item shape for all three.
import type { SearchHit, SearchKind } from '@tandem/protocol';
import type { CommentView, DocumentView, ProjectView, TaskView } from '../../api/types.js';
import { queryClient } from '../../app/query.js';
import { navigate, paths } from '../../app/router.js';

export interface PaletteItem {
  type: SearchKind;
  id: string;
  title: string;
  snippet: string;
  highlights: [number, number][];
  titleHighlights: [number, number][];
  workspaceId: string;
  taskId?: string;
  documentId?: string;
  projectId?: string;
  taskKey?: string;
  path: string;
}

export const fromHit = (h: SearchHit): PaletteItem => ({ ...h });

/** Opens a hit: a task on its board, a comment on its task scrolled to the comment, a document, a file's task or document. */
export function openItem(item: PaletteItem) {
  rememberRecent(item);
  const wid = item.workspaceId;
  if (item.type === 'document' && item.documentId) return navigate(paths.doc(wid, item.documentId));
  if (item.type === 'file' && item.documentId && !item.taskId) return navigate(paths.doc(wid, item.documentId));
  if (!item.taskId) return;
  navigate(item.projectId ? paths.task(wid, item.projectId, item.taskId) : paths.taskById(wid, item.taskId));
  if (item.type === 'comment') scrollToComment(item.id);
}

/** The task panel renders its comments after they load: look for the comment for a few seconds. */
function scrollToComment(commentId: string) {
  const started = Date.now();
  const tick = () => {
    const el = document.querySelector<HTMLElement>(`[data-comment-id="${CSS.escape(commentId)}"]`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.classList.add('search-flash');
      setTimeout(() => el.classList.remove('search-flash'), 2000);
      return;
    }
    if (Date.now() - started < 5000) setTimeout(tick, 100);
  };
  setTimeout(tick, 50);
}

const RECENT_KEY = 'tandem.search.recent';
const RECENT_MAX = 8;

export function recentItems(wid: string): PaletteItem[] {
  try {
    const all = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as PaletteItem[];
    return all.filter((i) => i.workspaceId === wid);
  } catch {
    return [];
  }
}

function rememberRecent(item: PaletteItem) {
  try {
    const all = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as PaletteItem[];
    const rest = all.filter((i) => !(i.type === item.type && i.id === item.id));
    const slim = { ...item, snippet: '', highlights: [] };
    localStorage.setItem(RECENT_KEY, JSON.stringify([slim, ...rest].slice(0, RECENT_MAX * 4)));
  } catch {
    // storage full or disabled: recent items are a convenience
  }
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

function ranges(text: string, words: string[]): [number, number][] {
  const f = fold(text);
  const out: [number, number][] = [];
  // NFD + mark removal keeps one folded unit per original unit for the common accented letters.
  if (f.length !== text.length) return out;
  for (const w of words) {
    const at = f.indexOf(w);
    if (at >= 0) out.push([at, at + w.length]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Offline: what the persisted query cache holds (tasks, documents, comments of this workspace). */
export function searchCache(wid: string, q: string): PaletteItem[] {
  const words = fold(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (!words.length) return [];
  const matches = (text: string) => {
    const f = fold(text);
    return words.every((w) => f.includes(w));
  };
  const projects = new Map<string, ProjectView>();
  for (const [, data] of queryClient.getQueriesData<ProjectView[]>({ queryKey: ['projects', wid] }))
    for (const p of data ?? []) projects.set(p.id, p);
  const out: PaletteItem[] = [];
  const seen = new Set<string>();
  for (const [key, data] of queryClient.getQueriesData<TaskView[] | { items?: TaskView[] }>({ queryKey: ['tasks'] })) {
    const pid = key[1] as string;
    if (!projects.has(pid)) continue;
    const list = Array.isArray(data) ? data : (data?.items ?? []);
    for (const t of list) {
      if (seen.has(t.id) || !matches(`${t.title} ${t.key}`)) continue;
      seen.add(t.id);
      out.push({
        type: 'task',
        id: t.id,
        title: t.title,
        snippet: '',
        highlights: [],
        titleHighlights: ranges(t.title, words),
        workspaceId: wid,
        taskId: t.id,
        projectId: pid,
        taskKey: t.key,
        path: projects.get(pid)?.name ?? '',
      });
    }
  }
  for (const d of queryClient.getQueryData<DocumentView[]>(['documents', wid]) ?? []) {
    if (!matches(d.title)) continue;
    out.push({
      type: 'document',
      id: d.id,
      title: d.title,
      snippet: '',
      highlights: [],
      titleHighlights: ranges(d.title, words),
      workspaceId: wid,
      documentId: d.id,
      path: '',
    });
  }
  for (const [key, data] of queryClient.getQueriesData<CommentView[]>({ queryKey: ['comments'] })) {
    for (const c of Array.isArray(data) ? data : []) {
      if (!matches(c.body)) continue;
      out.push({
        type: 'comment',
        id: c.id,
        title: 'Comment',
        snippet: c.body.slice(0, 180),
        highlights: ranges(c.body.slice(0, 180), words),
        titleHighlights: [],
        workspaceId: wid,
        taskId: key[1] as string,
        path: '',
      });
    }
  }
  return out.slice(0, 30);
}
