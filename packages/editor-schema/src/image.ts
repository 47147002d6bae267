// An image in a document. `src` is the file route (`/api/v1/files/<id>`) for uploaded images; the web
// client replaces this node with one whose view loads the bytes with the signed-in session.
import { Node } from '@tiptap/core';

export const DocumentImage = Node.create({
  name: 'image',
  group: 'block',
  atom: true,
  draggable: true,
  addAttributes() {
    return { src: { default: null }, alt: { default: null }, title: { default: null } };
  },
  parseHTML() {
    return [{ tag: 'img[src]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['img', HTMLAttributes];
  },
  // Markdown images are inline; the import lifts them out of their paragraph (see convert.ts).
  markdownTokenName: 'image',
  parseMarkdown: (token, helpers) =>
    helpers.createNode('image', { src: token.href ?? null, alt: token.text || null, title: token.title || null }),
  renderMarkdown: (node) => `![${String(node.attrs?.alt ?? '').replace(/([[\]\\])/g, '\\$1')}](${String(node.attrs?.src ?? '')})`,
});
