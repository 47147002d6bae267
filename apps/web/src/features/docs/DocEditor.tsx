// The TipTap editor bound to the document's Y.Doc: shared content, everyone's carets, and the
// avatars of who is in the document (from the same awareness channel).
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useState } from 'react';
import type { UserView } from '../../api/types.js';
import { AvatarStack, userColor } from '../../ui/Avatar.js';
import { renderCaret, renderSelection } from './carets.js';
import type { CollabSession } from './collab.js';
import { DocUploads } from './DocUploads.js';
import { FileImage } from './extensions/file-image.js';

interface Peer {
  id: string;
  name: string;
}

export function DocEditor({
  session,
  user,
  editable,
  documentId,
}: {
  session: CollabSession;
  user: UserView;
  editable: boolean;
  /** Files dropped or pasted into the editor are attached to this document. */
  documentId?: string;
}) {
  const editor = useEditor(
    {
      extensions: [
        // Undo history comes from Yjs (per user), not from ProseMirror's own.
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ document: session.ydoc, field: 'default' }),
        CollaborationCaret.configure({
          provider: session.provider,
          // The server binds the identity others see to the signed-in user; this is the local default.
          user: { name: user.displayName, color: userColor(user.id), id: user.id },
          render: renderCaret,
          selectionRender: renderSelection,
        }),
        FileImage.configure({ documentId: documentId ?? null }),
      ],
      editable,
      editorProps: { attributes: { class: 'prose', 'aria-label': 'Document content', role: 'textbox', 'aria-multiline': 'true' } },
    },
    [session],
  );
  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);

  const peers = usePeers(session, user.id);
  return (
    <div className="editor">
      <div className="editor-presence">
        <AvatarStack people={peers} />
      </div>
      {documentId && <DocUploads documentId={documentId} editor={editor} />}
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
