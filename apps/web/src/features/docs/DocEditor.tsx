// The TipTap editor bound to the document's Y.Doc: shared content, everyone's carets, the avatars
// of who is in the document (from the same awareness channel), and the menus around the text:
// the floating toolbar on a selection, `/` blocks, `@` people, `[[` documents, table controls.
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { type Editor, EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';
import type { UserView } from '../../api/types.js';
import { AvatarStack, userColor } from '../../ui/Avatar.js';
import { renderCaret, renderSelection } from './carets.js';
import type { CollabSession } from './collab.js';
import { BubbleToolbar } from './editor/BubbleToolbar.js';
import { CommentAnchors } from './editor/comment-anchors.js';
import type { DocSummary } from './editor/document-link.js';
import { webEditorExtensions } from './editor/extensions.js';
import { LinkEntry } from './editor/LinkEntry.js';
import type { Person } from './editor/mention.js';
import { TableToolbar } from './editor/TableToolbar.js';
import type { ProjectKey } from './editor/task-ref.js';
import './editor/editor.css';
import { DocUploads } from './DocUploads.js';
import { FileImage } from './extensions/file-image.js';

interface Peer {
  id: string;
  name: string;
}

export interface DocEditorProps {
  session: CollabSession;
  user: UserView;
  editable: boolean;
  workspaceId: string;
  documentId: string;
  people: Person[];
  documents: DocSummary[];
  projects: ProjectKey[];
  /** Starts a comment on the current selection; absent when the user may not comment. */
  onComment?: (editor: Editor) => void;
  onReady?: (editor: Editor | null) => void;
}

export function DocEditor(props: DocEditorProps) {
  const { session, user, editable, workspaceId, documentId, onComment, onReady } = props;
  // Menus read the latest lists through refs, so the editor is not rebuilt when they change.
  const lists = useRef({ people: props.people, documents: props.documents, projects: props.projects });
  lists.current = { people: props.people, documents: props.documents, projects: props.projects };
  const editor = useEditor(
    {
      extensions: [
        ...webEditorExtensions({
          workspaceId,
          documentId,
          people: () => lists.current.people,
          documents: () => lists.current.documents,
          projects: () => lists.current.projects,
          image: FileImage.configure({ documentId }),
        }),
        Collaboration.configure({ document: session.ydoc, field: 'default' }),
        CollaborationCaret.configure({
          provider: session.provider,
          // The server binds the identity others see to the signed-in user; this is the local default.
          user: { name: user.displayName, color: userColor(user.id), id: user.id },
          render: renderCaret,
          selectionRender: renderSelection,
        }),
        CommentAnchors,
      ],
      editable,
      editorProps: { attributes: { class: 'prose', 'aria-label': 'Document content', role: 'textbox', 'aria-multiline': 'true' } },
    },
    [session],
  );
  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);
  useEffect(() => {
    onReady?.(editor);
    return () => onReady?.(null);
  }, [editor, onReady]);

  // Mod+Alt+M comments on the selection, like the toolbar's button.
  useEffect(() => {
    if (!editor || !onComment) return;
    const dom = editor.view.dom;
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.altKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        onComment(editor);
      }
    };
    dom.addEventListener('keydown', onKey);
    return () => dom.removeEventListener('keydown', onKey);
  }, [editor, onComment]);

  const peers = usePeers(session, user.id);
  return (
    <div className="editor">
      <div className="editor-presence">
        <AvatarStack people={peers} />
      </div>
      {editor && <TableToolbar editor={editor} />}
      {editor && <BubbleToolbar editor={editor} onComment={onComment ? () => onComment(editor) : undefined} />}
      {editor && <LinkEntry editor={editor} />}
      <DocUploads documentId={documentId} editor={editor} />
      <EditorContent editor={editor} />
    </div>
  );
}

function usePeers(session: CollabSession, selfId: string): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);
  useEffect(() => {
    const awareness = session.provider.awareness;
    const read = () => {
      const seen = new Map<string, Peer>();
      for (const [clientId, state] of awareness.getStates()) {
        if (clientId === awareness.clientID) continue;
        const u = (state as { user?: { id?: string; name?: string } }).user;
        if (!u?.name) continue;
        const id = u.id ?? String(clientId);
        if (id !== selfId) seen.set(id, { id, name: u.name });
      }
      setPeers([...seen.values()]);
    };
    awareness.on('change', read);
    read();
    return () => awareness.off('change', read);
  }, [session, selfId]);
  return peers;
}
