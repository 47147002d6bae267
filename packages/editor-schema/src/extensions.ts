// The one list of what a document can hold, shared by the web editor and the server's
// import/export. DOM-free: the server builds its ProseMirror schema and Markdown/HTML conversion
// from exactly these nodes and marks; the web adds behaviour (menus, node views, highlighting) on top
// of the same names and attributes.
import { type AnyExtension, getSchema } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import Mention from '@tiptap/extension-mention';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { Callout } from './callout.js';
import { DocumentRef } from './document-ref.js';
import { DocumentImage } from './image.js';
import { TaskRef } from './task-ref.js';

/** Link targets the editor keeps; anything else (javascript:, data:, vbscript: …) is dropped. */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto', 'tel'] as const;

export function isSafeHref(href: unknown): href is string {
  if (typeof href !== 'string') return false;
  // Browsers ignore control characters and spaces inside a scheme: `java\nscript:` runs too.
  const compact = [...href]
    .filter((c) => {
      const code = c.charCodeAt(0);
      return code > 0x20 && (code < 0x7f || code > 0x9f);
    })
    .join('')
    .toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
  if (!scheme) return true; // relative links stay
  return (LINK_PROTOCOLS as readonly string[]).includes(scheme) || scheme === 'tandem';
}

/** The mention node (`@Ada`): attr `id` is the user id, `label` the name shown. */
export const PersonMention = Mention.extend({
  renderMarkdown: (node: { attrs?: Record<string, unknown> }) => `@${String(node.attrs?.label ?? node.attrs?.id ?? '')}`,
}).configure({ renderText: ({ node }) => `@${node.attrs.label ?? node.attrs.id}` });

export interface EditorSchemaOptions {
  /** Replaces StarterKit's code block (the web uses the lowlight one: same node name and attrs). */
  codeBlock?: AnyExtension;
  /** Replaces the mention node (the web adds its suggestion menu). */
  mention?: AnyExtension;
  /** Replaces the task reference node (the web adds its live chip). */
  taskRef?: AnyExtension;
  /** Replaces the document reference node (the web adds navigation). */
  documentRef?: AnyExtension;
  /** Replaces the image node (the web's view loads file bytes with the session). */
  image?: AnyExtension;
  /** Table column resizing (a browser-only plugin). */
  resizableTables?: boolean;
}

export function editorExtensions(options: EditorSchemaOptions = {}): AnyExtension[] {
  return [
    StarterKit.configure({
      // Collaboration brings its own per-user undo.
      undoRedo: false,
      codeBlock: options.codeBlock ? false : {},
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: 'https',
        protocols: ['mailto', 'tel'],
        isAllowedUri: (url) => isSafeHref(url),
      },
    }),
    ...(options.codeBlock ? [options.codeBlock] : []),
    Table.configure({ resizable: options.resizableTables ?? false }),
    TableRow,
    TableHeader,
    TableCell,
    TaskList,
    TaskItem.configure({ nested: true }),
    Callout,
    options.taskRef ?? TaskRef,
    options.documentRef ?? DocumentRef,
    options.mention ?? PersonMention,
    options.image ?? DocumentImage,
  ];
}

export const editorSchema = () => getSchema(editorExtensions());
