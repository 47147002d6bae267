// Re-exported types pull the extensions' command declarations (toggleBold, insertTable, …) into
// every package that uses this schema.
export type { TaskListOptions } from '@tiptap/extension-list';
export type { MentionOptions } from '@tiptap/extension-mention';
export type { TableOptions } from '@tiptap/extension-table';
export type { StarterKitOptions } from '@tiptap/starter-kit';
export { CALLOUT_KINDS, Callout, type CalloutKind } from './callout.js';
export { DocumentRef } from './document-ref.js';
export { type EditorSchemaOptions, editorExtensions, editorSchema, isSafeHref, LINK_PROTOCOLS, PersonMention } from './extensions.js';
export { DocumentImage } from './image.js';
export { TaskRef } from './task-ref.js';
