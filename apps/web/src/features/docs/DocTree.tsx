// The knowledge-base tree in the sidebar: open, create (top level or inside, blank or from a
// template), rename, move by drag and drop, and move to trash.

import { allows } from '@tandem/protocol/policy';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useTandemMutation } from '../../api/mutations.js';
import { useDocuments, useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import type { DocumentView } from '../../api/types.js';
import { Link, navigate, paths } from '../../app/router.js';
import { toast } from '../../ui/toast.js';
import { NewDocumentMenu, useTemplates } from './NewDocumentMenu.js';
import { ancestors, buildTree, canMove, type DocNode } from './tree.js';

const EXPANDED = 'tandem.expandedDocs';

export function DocTree({ wid, activeId }: { wid: string; activeId: string | null }) {
  const { data: docs = [], error } = useDocuments(wid);
  const { data: workspaces } = useWorkspaces();
  // Viewers read the tree; every control that changes it is for editors.
  const canEdit = allows(workspaces?.find((w) => w.id === wid)?.role, 'document.update');
  const qc = useQueryClient();
  const rename = useTandemMutation('document.rename');
  const move = useTandemMutation('document.move');
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(JSON.parse(localStorage.getItem(EXPANDED) ?? '[]') as string[]));
  const [renaming, setRenaming] = useState<string | null>(null);
  const [dropOn, setDropOn] = useState<string | null>(null);
  // Only read when a template was chosen, so loaded by then (the menu fetched it).
  const { data: templates = [] } = useTemplates(wid, false);

  useEffect(() => localStorage.setItem(EXPANDED, JSON.stringify([...expanded])), [expanded]);
  // The open document is always visible in the tree.
  useEffect(() => {
    if (!activeId) return;
    const path = ancestors(docs, activeId);
    if (path.some((d) => !expanded.has(d.id))) setExpanded((s) => new Set([...s, ...path.map((d) => d.id)]));
  }, [activeId, docs, expanded]);

  // Creating waits for the server: the editor needs the document's real id.
  const create = useMutation({
    mutationFn: ({ parentId, templateId }: { parentId: string | null; templateId: string | null }) => {
      const title = templateId ? (templates.find((t) => t.id === templateId)?.title ?? 'Untitled') : 'Untitled';
      return api.documents.create(wid, { title, ...(parentId ? { parentId } : {}), ...(templateId ? { templateId } : {}) });
    },
    onSuccess: async (doc, { parentId }) => {
      await qc.invalidateQueries({ queryKey: keys.documents(wid) });
      if (parentId) setExpanded((s) => new Set([...s, parentId]));
      navigate(paths.doc(wid, doc.id));
      setRenaming(doc.id);
    },
    onError: (err) => toast(errorMessage(err), 'error'),
  });

  const trash = useMutation({
    mutationFn: (doc: DocumentView) => api.documents.trashDoc(doc.id),
    onSuccess: async (_r, doc) => {
      await qc.invalidateQueries({ queryKey: keys.documents(wid) });
      toast(`"${doc.title}" moved to trash`);
      if (activeId === doc.id) navigate(paths.workspace(wid));
    },
    onError: (err) => toast(errorMessage(err), 'error'),
  });

  const moveUnder = (docId: string, parentId: string | null) => {
    const doc = docs.find((d) => d.id === docId);
    if (!doc || doc.parentId === parentId || docId === parentId) return;
    if (!canMove(docs, docId, parentId)) return toast('A document cannot be moved inside itself', 'error');
    move.mutate({ workspaceId: wid, id: docId, parentId });
    if (parentId) setExpanded((s) => new Set([...s, parentId]));
  };

  const dropProps = (targetId: string | null) => ({
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes('text/x-tandem-doc')) return;
      e.preventDefault();
      e.stopPropagation();
      setDropOn(targetId ?? 'root');
    },
    onDragLeave: () => setDropOn(null),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      e.stopPropagation();
      setDropOn(null);
      moveUnder(e.dataTransfer.getData('text/x-tandem-doc'), targetId);
    },
  });

  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const renderNode = (n: DocNode, depth: number) => {
    const open = expanded.has(n.doc.id);
    return (
      <li key={n.doc.id}>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for pointer users; every action on the row is also a button. */}
        <div
          className={`tree-row ${activeId === n.doc.id ? 'active' : ''} ${dropOn === n.doc.id ? 'drop-target' : ''}`}
          style={{ paddingLeft: 6 + depth * 14 }}
          draggable={canEdit}
          onDragStart={(e) => {
            e.dataTransfer.setData('text/x-tandem-doc', n.doc.id);
            e.dataTransfer.effectAllowed = 'move';
          }}
          {...dropProps(n.doc.id)}
        >
          <button
            type="button"
            className="twisty"
            aria-label={open ? 'Collapse' : 'Expand'}
            onClick={() => toggle(n.doc.id)}
            disabled={!n.children.length}
          >
            {n.children.length ? (open ? '▾' : '▸') : '·'}
          </button>
          {renaming === n.doc.id ? (
            <RenameInput
              value={n.doc.title}
              onDone={(title) => {
                setRenaming(null);
                if (title && title !== n.doc.title) rename.mutate({ workspaceId: wid, id: n.doc.id, title });
              }}
            />
          ) : (
            <Link
              to={paths.doc(wid, n.doc.id)}
              className="tree-link"
              aria-current={activeId === n.doc.id ? 'page' : undefined}
              onDoubleClick={() => canEdit && setRenaming(n.doc.id)}
            >
              {n.doc.title || 'Untitled'}
            </Link>
          )}
          {canEdit && (
            <span className="tree-actions">
              <button
                type="button"
                className="icon-button"
                title="Rename"
                aria-label={`Rename ${n.doc.title}`}
                onClick={() => setRenaming(n.doc.id)}
              >
                ✎
              </button>
              <NewDocumentMenu
                wid={wid}
                title="New page inside"
                label={`New page inside ${n.doc.title}`}
                onCreate={(templateId) => create.mutate({ parentId: n.doc.id, templateId })}
              />
              <button
                type="button"
                className="icon-button"
                title="Move to trash"
                aria-label={`Move ${n.doc.title} to trash`}
                onClick={() => trash.mutate(n.doc)}
              >
                🗑
              </button>
            </span>
          )}
        </div>
        {open && n.children.length > 0 && <ul>{n.children.map((c) => renderNode(c, depth + 1))}</ul>}
      </li>
    );
  };

  return (
    <section className="doc-tree" aria-label="Documents">
      <header className={`tree-header ${dropOn === 'root' ? 'drop-target' : ''}`} {...dropProps(null)}>
        Documents
        {canEdit && (
          <NewDocumentMenu
            wid={wid}
            title="New document"
            label="New document"
            onCreate={(templateId) => create.mutate({ parentId: null, templateId })}
          />
        )}
      </header>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      <ul>{buildTree(docs).map((n) => renderNode(n, 0))}</ul>
    </section>
  );
}

function RenameInput({ value, onDone }: { value: string; onDone: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  return (
    <input
      className="rename-input"
      aria-label="Document title"
      autoFocus
      maxLength={200}
      value={draft}
      onFocus={(e) => e.target.select()}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => onDone(draft.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onDone(draft.trim());
        if (e.key === 'Escape') onDone(value);
      }}
    />
  );
}
