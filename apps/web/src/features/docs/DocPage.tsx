// A knowledge-base document: its title and the collaborative editor, with who else is here.

import type { Role } from '@tandem/protocol';
import { allows } from '@tandem/protocol/policy';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Editor } from '@tiptap/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useTandemMutation } from '../../api/mutations.js';
import { useDocuments, useMe, useSharedDocuments, useWorkspaces } from '../../api/queries.js';
import { client } from '../../api/session.js';
import { api } from '../../api/tandem.js';
import { Link, paths } from '../../app/router.js';
import { useRoom } from '../../realtime/live.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { saveResponseAs } from '../../ui/save-response.js';
import { toast } from '../../ui/toast.js';
import { Backlinks } from './Backlinks.js';
import { type CollabSession, openDocument } from './collab.js';
import { DocEditor } from './DocEditor.js';
import { DocHistory } from './DocHistory.js';
import { DocThreads, type PendingThread } from './DocThreads.js';
import { selectionAnchor } from './editor/comment-anchors.js';
import { ShareDialog } from './ShareDialog.js';
import { ancestors } from './tree.js';

export default function DocPage({ wid, did }: { wid: string; did: string }) {
  const { data: me } = useMe();
  const { data: workspaces } = useWorkspaces();
  // Someone the document was shared with, outside its workspace, sees only the shared part of the tree.
  const member = !!workspaces?.some((w) => w.id === wid);
  const { data: tree = [] } = useDocuments(wid, member);
  const { data: shared = [] } = useSharedDocuments();
  const docs = member ? tree : shared.filter((d) => d.workspaceId === wid);
  const doc = useQuery({ queryKey: ['document', did], queryFn: () => api.documents.get(did) });
  const rename = useTandemMutation('document.rename');
  const qc = useQueryClient();
  const [session, setSession] = useState<CollabSession | null>(null);
  const [denied, setDenied] = useState<string | null>(null);
  const [history, setHistory] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [pending, setPending] = useState<PendingThread | null>(null);
  // Mentions and task chips draw on the workspace; someone it was only shared with gets neither list.
  const { data: members = [] } = useQuery({
    queryKey: keys.members(wid),
    queryFn: async () => (await api.workspaces.members(wid)).items,
    enabled: member,
  });
  const { data: projects = [] } = useQuery({ queryKey: keys.projects(wid), queryFn: () => api.projects.list(wid), enabled: member });
  const people = useMemo(() => members.map((m) => ({ id: m.userId, name: m.displayName, email: m.email })), [members]);
  const onComment = useCallback((ed: Editor) => {
    const sel = selectionAnchor(ed);
    if (sel) setPending(sel);
  }, []);
  useRoom(`document:${did}`);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a comment being written belongs to the document it was started on
  useEffect(() => setPending(null), [did]);

  useEffect(() => {
    const s = openDocument(did);
    s.onDenied(setDenied);
    setSession(s);
    return () => {
      setSession(null);
      s.destroy();
    };
  }, [did]);

  const title = docs.find((d) => d.id === did)?.title ?? doc.data?.title ?? '';
  const role = (doc.data as { role?: Role } | undefined)?.role ?? workspaces?.find((w) => w.id === wid)?.role;
  const readOnly = !allows(role, 'document.update');
  const canComment = allows(role, 'document.comment');
  const canShare = allows(role, 'document.share');
  // Templates belong to the workspace: its editors keep them, not someone a page was shared with.
  const canTemplate = member && allows(workspaces?.find((w) => w.id === wid)?.role, 'document.create');
  const [exporting, setExporting] = useState(false);
  const exportZip = async () => {
    setExporting(true);
    try {
      await saveResponseAs(await client.documents.exportZip(did), 'document.zip');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setExporting(false);
    }
  };
  const saveTemplate = useMutation({
    mutationFn: () => client.documents.templates.save(wid, { documentId: did }),
    onSuccess: async (t) => {
      await qc.invalidateQueries({ queryKey: keys.templates(wid) });
      toast(`Saved “${t.title}” as a template: “+” in the tree makes new pages from it`);
    },
    onError: (err) => toast(errorMessage(err), 'error'),
  });

  if (doc.error && !doc.data) return <p className="form-error page">{errorMessage(doc.error)}</p>;
  return (
    <div className="doc-layout">
      <article className="doc-page">
        <div className="doc-toolbar">
          {canShare && (
            <button type="button" onClick={() => setSharing(true)}>
              Share
            </button>
          )}
          <button type="button" onClick={() => setHistory((h) => !h)} aria-pressed={history}>
            History
          </button>
          <button type="button" onClick={() => void exportZip()} disabled={exporting} title="This page and the pages under it, as Markdown">
            {exporting ? 'Exporting…' : 'Export .zip'}
          </button>
          {canTemplate && (
            <button type="button" onClick={() => saveTemplate.mutate()} disabled={saveTemplate.isPending}>
              Save as template
            </button>
          )}
        </div>
        {sharing && <ShareDialog wid={wid} did={did} docs={docs} onClose={() => setSharing(false)} />}
        {history && <DocHistory wid={wid} did={did} readOnly={readOnly} onClose={() => setHistory(false)} />}
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          {ancestors(docs, did).map((a) => (
            <span key={a.id}>
              <Link to={paths.doc(wid, a.id)}>{a.title || 'Untitled'}</Link> /{' '}
            </span>
          ))}
        </nav>
        <TitleInput key={title} value={title} readOnly={readOnly} onSave={(title) => rename.mutate({ workspaceId: wid, id: did, title })} />
        {readOnly && <p className="muted">You can read this document; only editors can change it.</p>}
        {denied && <p className="form-error">{denied}</p>}
        {session && me && (
          <DocEditor
            session={session}
            user={me}
            editable={!readOnly && !denied}
            workspaceId={wid}
            documentId={did}
            people={people}
            documents={docs}
            projects={projects}
            onComment={canComment ? onComment : undefined}
            onReady={setEditor}
          />
        )}
        <Backlinks target={{ documentId: did }} />
      </article>
      <DocThreads did={did} editor={editor} canComment={canComment} pending={pending} onPendingDone={() => setPending(null)} />
    </div>
  );
}

const DOC_TITLE_MAX = 200;

function TitleInput({ value, readOnly, onSave }: { value: string; readOnly: boolean; onSave: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  const save = () => {
    const t = draft.trim();
    if (!t) {
      if (value) setProblem('A document needs a title; the previous one is kept.');
      return setDraft(value);
    }
    if (t.length > DOC_TITLE_MAX) return setProblem(`A title can be at most ${DOC_TITLE_MAX} characters.`);
    setProblem(null);
    if (t !== value) onSave(t);
  };
  return (
    <>
      <input
        className="doc-title"
        aria-label="Document title"
        placeholder="Untitled"
        readOnly={readOnly}
        value={draft}
        aria-invalid={!!problem}
        onChange={(e) => {
          setDraft(e.target.value);
          if (problem) setProblem(null);
        }}
        onBlur={() => !readOnly && save()}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      {!readOnly && <FieldNote error={problem} length={draft.length} max={DOC_TITLE_MAX} />}
    </>
  );
}
