// Documents (knowledge base): request schemas and response views.
import { z } from 'zod';
import type { Role } from './roles.js';
import { RoleSchema } from './schemas.js';

const Id = z.string().uuid();
const Title = z.string().trim().min(1).max(200);

/** A new document; with `templateId`, starting with a copy of that template's content. */
export const CreateDocumentBody = z
  .object({ title: Title, parentId: Id.nullish(), projectId: Id.nullish(), templateId: Id.optional() })
  .strict();
/** "Save as template": the document's content as it is now, under `title` (default: the document's). */
export const SaveTemplateBody = z.object({ documentId: Id, title: Title.optional() }).strict();
export const UpdateDocumentBody = z.object({ title: Title }).strict();
/** Moves a document under `parentId` (null: the workspace root), optionally between two siblings. */
export const MoveDocumentBody = z.object({ parentId: Id.nullable(), afterId: Id.optional(), beforeId: Id.optional() }).strict();
/** Markdown or HTML an import may carry: what fits in the default request body limit (BODY_LIMIT_BYTES, 1 MiB). */
export const MAX_IMPORT_MARKDOWN_CHARS = 1_000_000;
/** A new document from Markdown or from HTML (exactly one of them). */
export const ImportDocumentBody = z
  .object({
    title: Title,
    markdown: z.string().max(MAX_IMPORT_MARKDOWN_CHARS).optional(),
    html: z.string().max(MAX_IMPORT_MARKDOWN_CHARS).optional(),
    parentId: Id.nullish(),
    projectId: Id.nullish(),
  })
  .strict()
  .refine((b) => (b.markdown === undefined) !== (b.html === undefined), { message: 'Give either markdown or html', path: ['markdown'] });
export const ShareDocumentBody = z.object({ role: RoleSchema }).strict();
/** Shares with the user who has this email (the share dialog's "add by email"). */
export const ShareDocumentByEmailBody = z.object({ email: z.string().trim().toLowerCase().email().max(320), role: RoleSchema }).strict();
/** "Save version": the document as it is now, kept in its history under a name. */
export const SaveVersionBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();
export const DocumentFormat = z.enum(['text', 'markdown', 'json', 'html']);
export const DocumentContentQuery = z.object({ format: DocumentFormat.default('json') });
export const DocumentListQuery = z.object({ trashed: z.enum(['true', 'false']).default('false') });
export const DeleteDocumentQuery = z.object({ permanent: z.enum(['true', 'false']).default('false') });

export type DocumentFormat = z.infer<typeof DocumentFormat>;

export interface DocumentView {
  id: string;
  workspaceId: string;
  projectId: string | null;
  parentId: string | null;
  title: string;
  rank: string;
  createdById: string;
  createdAt: string;
  updatedAt: string;
  /** When the content last changed; null until the first edit. Up to 10 s behind a document being typed in. */
  contentAt: string | null;
  deletedAt: string | null;
}

export interface DocumentVersionView {
  id: string;
  documentId: string;
  reason: 'auto' | 'restore' | 'manual';
  /** Set on versions saved by hand with a name. */
  name: string | null;
  size: number;
  createdById: string | null;
  createdAt: string;
}

/** A document in the caller's "shared with me" list. */
export interface SharedDocumentView extends DocumentView {
  /** The strongest role a share on the document or an ancestor gives the caller. */
  role: Role;
  workspaceName: string;
}

export interface DocumentShareView {
  documentId: string;
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  createdAt: string;
}

/** ProseMirror/TipTap JSON, as `?format=json` returns it. */
export interface ProseMirrorNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: ProseMirrorNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

export interface DocumentTemplateView {
  id: string;
  workspaceId: string;
  title: string;
  createdById: string | null;
  createdAt: string;
}
