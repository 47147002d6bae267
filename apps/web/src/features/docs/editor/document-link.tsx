// `[[` finds a document of the workspace by title and inserts a `documentRef` node: a link that
// keeps the document's id, shows its current title, and opens it on click.
import { DocumentRef } from '@tandem/editor-schema';
import { Extension } from '@tiptap/core';
import { PluginKey } from '@tiptap/pm/state';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import Suggestion from '@tiptap/suggestion';
import { Link, paths } from '../../../app/router.js';
import { type MenuItem, suggestionPopup } from './SuggestionMenu.js';

export interface DocSummary {
  id: string;
  title: string;
}

export interface DocumentLinkOptions {
  workspaceId: string;
  documents: () => DocSummary[];
}

function DocumentRefView({ node, extension }: ReactNodeViewProps) {
  const { workspaceId, documents } = extension.options as DocumentLinkOptions;
  const id = String(node.attrs.documentId ?? '');
  const current = documents().find((d) => d.id === id);
  return (
    <NodeViewWrapper as="span" className="document-ref" data-document-id={id}>
      <Link to={paths.doc(workspaceId, id)}>{current?.title || String(node.attrs.title || 'Untitled')}</Link>
    </NodeViewWrapper>
  );
}

export const LiveDocumentRef = DocumentRef.extend<DocumentLinkOptions>({
  addOptions: () => ({ workspaceId: '', documents: () => [] }),
  addNodeView() {
    return ReactNodeViewRenderer(DocumentRefView, { as: 'span' });
  },
});

export const DocumentLinkSuggestion = Extension.create<DocumentLinkOptions>({
  name: 'documentLinkSuggestion',
  addOptions: () => ({ workspaceId: '', documents: () => [] }),
  addProseMirrorPlugins() {
    return [
      Suggestion<MenuItem, MenuItem>({
        editor: this.editor,
        pluginKey: new PluginKey('documentLink'),
        char: '[[',
        allowSpaces: true,
        items: ({ query }) => {
          const q = query.toLowerCase().trim();
          return this.options
            .documents()
            .filter((d) => !q || d.title.toLowerCase().includes(q))
            .slice(0, 10)
            .map((d) => ({ id: d.id, title: d.title || 'Untitled', icon: '[[' }));
        },
        command: ({ editor, range, props }) => {
          editor
            .chain()
            .focus()
            .insertContentAt(range, [
              { type: 'documentRef', attrs: { documentId: props.id, title: props.title } },
              { type: 'text', text: ' ' },
            ])
            .run();
        },
        render: suggestionPopup('Link to a document', 'No document with that title'),
      }),
    ];
  },
});
