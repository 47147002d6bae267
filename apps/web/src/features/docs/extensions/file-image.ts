// The document image node: `src` is the file route (`/api/v1/files/<id>`), so exports keep a link to
// the file and every reader's access is checked by the server. The node view fetches the bytes with
// the signed-in session (an <img> alone cannot send the token). Files dropped or pasted into the
// editor are uploaded to the document: images become image nodes at the drop point, other files a
// "📎 name" line. Progress, cancel and retry show in the upload bar under the editor.
import type { FileView } from '@tandem/protocol';
import { mergeAttributes, Node } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { fileBlobUrl } from '../../files/files-data.js';
import { filesOf, startUpload } from '../../files/upload-queue.js';

const FILE_ROUTE = /^\/api\/v1\/files\/[0-9a-f-]{36}$/i;

export interface FileImageOptions {
  /** The document uploads go to; without it drops and pastes are left to the editor. */
  documentId: string | null;
}

/** Puts a stored file into the document at `pos` (an image node, or a line naming the file). */
export function insertStoredFile(view: EditorView, file: FileView, pos?: number) {
  const { schema } = view.state;
  const at = Math.min(pos ?? view.state.selection.to, view.state.doc.content.size);
  const node =
    file.mime.startsWith('image/') && file.thumbnail !== 'failed'
      ? schema.nodes.image!.create({ src: `/api/v1/files/${file.id}`, alt: file.name })
      : schema.nodes.paragraph!.create(null, schema.text(`📎 ${file.name}`));
  view.dispatch(view.state.tr.insert(at, node));
}

export const FileImage = Node.create<FileImageOptions>({
  name: 'image',
  group: 'block',
  atom: true,
  draggable: true,

  addOptions() {
    return { documentId: null };
  },

  addAttributes() {
    return { src: { default: null }, alt: { default: null }, title: { default: null } };
  },

  parseHTML() {
    return [{ tag: 'img[src]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['img', mergeAttributes(HTMLAttributes)];
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement('div');
      dom.className = 'doc-image-wrap';
      const img = document.createElement('img');
      img.className = 'doc-image';
      dom.append(img);
      let shown: string | null = null;
      const show = (src: string | null, alt: string | null) => {
        img.alt = alt ?? '';
        if (src === shown) return;
        shown = src;
        img.removeAttribute('src');
        // Only this server's file route is loaded: a pasted outside URL would leak who reads the page.
        if (src && FILE_ROUTE.test(src)) {
          img.dataset.fileSrc = src;
          void fileBlobUrl(src).then(
            (url) => {
              if (shown === src) img.src = url;
            },
            () => {
              img.alt = `${alt ?? 'Image'} (not available)`;
            },
          );
        }
      };
      show(node.attrs.src, node.attrs.alt);
      return {
        dom,
        update: (next) => {
          if (next.type.name !== 'image') return false;
          show(next.attrs.src, next.attrs.alt);
          return true;
        },
      };
    };
  },

  addProseMirrorPlugins() {
    const documentId = this.options.documentId;
    if (!documentId) return [];
    const upload = (view: EditorView, files: File[], pos?: number) => {
      for (const f of files) {
        void startUpload({ documentId }, f).then((stored) => {
          if (stored && !view.isDestroyed) insertStoredFile(view, stored, pos);
        });
      }
    };
    return [
      new Plugin({
        key: new PluginKey('fileImageUpload'),
        props: {
          handleDrop: (view, event) => {
            const files = filesOf(event.dataTransfer);
            if (files.length === 0 || !view.editable) return false;
            event.preventDefault();
            upload(view, files, view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos);
            return true;
          },
          handlePaste: (view, event) => {
            const files = filesOf(event.clipboardData);
            if (files.length === 0 || !view.editable) return false;
            event.preventDefault();
            upload(view, files);
            return true;
          },
        },
      }),
    ];
  },
});
