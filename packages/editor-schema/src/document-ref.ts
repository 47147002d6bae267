// A link to another document of the knowledge base (inserted with `[[`). It keeps the document's
// id, so renaming the target never breaks it; the title is the text shown when it was inserted.
import { Node } from '@tiptap/core';

export const DocumentRef = Node.create({
  name: 'documentRef',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return {
      documentId: {
        default: null,
        parseHTML: (el) => el.getAttribute('data-document-id'),
        renderHTML: (a) => ({ 'data-document-id': a.documentId }),
      },
      title: {
        default: '',
        parseHTML: (el) => el.getAttribute('data-title') ?? el.textContent,
        renderHTML: (a) => ({ 'data-title': a.title }),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'a[data-type="document-ref"]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return [
      'a',
      { ...HTMLAttributes, 'data-type': 'document-ref', class: 'document-ref', href: `#doc-${node.attrs.documentId}` },
      String(node.attrs.title || 'Untitled'),
    ];
  },
  renderText: ({ node }) => String(node.attrs.title ?? ''),
  renderMarkdown: (node) =>
    `[${String(node.attrs?.title || 'Untitled').replace(/([[\]\\])/g, '\\$1')}](tandem:doc/${String(node.attrs?.documentId ?? '')})`,
});
