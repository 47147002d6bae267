// The knowledge base arrives as a flat list with parentId; the sidebar shows it as a tree.
import type { DocumentView } from '../../api/types.js';

export interface DocNode {
  doc: DocumentView;
  children: DocNode[];
}

export const isTrashed = (d: DocumentView) => !!d.deletedAt;

// Sibling order is the server's rank (byte order), then the title for documents without one.
const order = (a: DocumentView, b: DocumentView) => {
  const ra = a.rank ?? '';
  const rb = b.rank ?? '';
  return ra < rb ? -1 : ra > rb ? 1 : a.title.localeCompare(b.title);
};

/** Live documents as a tree; a document whose parent is missing (trashed, or not visible) shows at the root. */
export function buildTree(docs: DocumentView[]): DocNode[] {
  const live = docs.filter((d) => !isTrashed(d));
  const nodes = new Map(live.map((d) => [d.id, { doc: d, children: [] as DocNode[] }]));
  const roots: DocNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.doc.parentId ? nodes.get(n.doc.parentId) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  const sort = (list: DocNode[]) => {
    list.sort((a, b) => order(a.doc, b.doc));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Whether `docId` may be moved under `newParentId` (not under itself or its own descendants). */
export function canMove(docs: DocumentView[], docId: string, newParentId: string | null): boolean {
  const byId = new Map(docs.map((d) => [d.id, d]));
  for (let p = newParentId; p; p = byId.get(p)?.parentId ?? null) if (p === docId) return false;
  return true;
}

/** The chain of ancestors of a document, root first (for breadcrumbs and auto-expanding). */
export function ancestors(docs: DocumentView[], docId: string): DocumentView[] {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const out: DocumentView[] = [];
  const seen = new Set<string>();
  for (let p = byId.get(docId)?.parentId ?? null; p && !seen.has(p); p = byId.get(p)?.parentId ?? null) {
    seen.add(p);
    const d = byId.get(p);
    if (d) out.unshift(d);
  }
  return out;
}

/** Every document under `docId` (children, their children, …). */
export function descendants(docs: DocumentView[], docId: string): DocumentView[] {
  const out: DocumentView[] = [];
  const queue = [docId];
  const seen = new Set(queue);
  while (queue.length) {
    const id = queue.shift()!;
    for (const d of docs) {
      if (d.parentId === id && !seen.has(d.id)) {
        seen.add(d.id);
        out.push(d);
        queue.push(d.id);
      }
    }
  }
  return out;
}
