// The web editor's extensions: the shared schema (the same nodes and marks the server imports and
// exports) with the browser's behaviour on top: menus, live chips, highlighting, placeholder.
import { editorExtensions } from '@tandem/editor-schema';
import type { AnyExtension } from '@tiptap/core';
import CodeBlockLowlight from '@tiptap/extension-code-block-lowlight';
import { Placeholder } from '@tiptap/extensions';
import { common, createLowlight } from 'lowlight';
import { type DocSummary, DocumentLinkSuggestion, LiveDocumentRef } from './document-link.js';
import { LinkShortcut } from './link-entry.js';
import { mentionExtension, type Person } from './mention.js';
import { SlashCommand } from './slash-command.js';
import { LiveTaskRef, type ProjectKey } from './task-ref.js';

const lowlight = createLowlight(common);

export interface EditorContext {
  workspaceId: string;
  documentId: string;
  people: () => Person[];
  documents: () => DocSummary[];
  projects: () => ProjectKey[];
  /** The files work's image node (uploads, authenticated loading). */
  image?: AnyExtension;
}

export function webEditorExtensions(ctx: EditorContext): AnyExtension[] {
  return [
    ...editorExtensions({
      codeBlock: CodeBlockLowlight.configure({ lowlight, defaultLanguage: null }),
      mention: mentionExtension(ctx.people),
      taskRef: LiveTaskRef.configure({ workspaceId: ctx.workspaceId, projects: ctx.projects }),
      documentRef: LiveDocumentRef.configure({ workspaceId: ctx.workspaceId, documents: ctx.documents }),
      image: ctx.image,
      resizableTables: true,
    }),
    Placeholder.configure({
      placeholder: ({ node }) =>
        node.type.name === 'heading' ? 'Heading' : "Type '/' for blocks, '@' to mention, '[[' to link a document",
    }),
    SlashCommand.configure({ documentId: ctx.documentId }),
    DocumentLinkSuggestion.configure({ workspaceId: ctx.workspaceId, documents: ctx.documents }),
    LinkShortcut,
  ];
}
