// Search and backlinks: request schemas and response views.
import { z } from 'zod';

const Id = z.string().uuid();

export const SearchKind = z.enum(['task', 'document', 'comment', 'file']);
export type SearchKind = z.infer<typeof SearchKind>;

/** Longest query accepted; longer ones are a 400, not a slow query. */
export const SEARCH_QUERY_MAX = 500;

export const SearchQuery = z.object({
  q: z.string().max(SEARCH_QUERY_MAX).default(''),
  workspaceId: Id.optional(),
  /** One kind, or several separated by commas. */
  type: z
    .string()
    .max(60)
    .optional()
    .refine((v) => v === undefined || v.split(',').every((t) => SearchKind.safeParse(t).success), 'task, document, comment or file'),
  projectId: Id.optional(),
  assigneeId: Id.optional(),
  /** A status name (as shown on the board), case-insensitive. */
  status: z.string().max(100).optional(),
  updatedSince: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});

/** One search hit. `highlights` are [start, end) offsets into `snippet`; `titleHighlights` into `title`. */
export interface SearchHit {
  type: SearchKind;
  id: string;
  title: string;
  snippet: string;
  highlights: [number, number][];
  titleHighlights: [number, number][];
  workspaceId: string;
  taskId?: string;
  documentId?: string;
  projectId?: string;
  /** Task key of a task, or of the task a comment or file belongs to. */
  taskKey?: string;
  /** Where it lives: the project name, or the document's ancestors, joined with " / ". */
  path: string;
  updatedAt: string;
}

export interface SearchResults {
  items: SearchHit[];
  nextCursor: string | null;
  /** Which engine answered: "postgres", or "meilisearch". */
  engine: 'postgres' | 'meilisearch';
}

/** A document that refers to the one asked about (a link, a task chip or key, a mention). */
export interface BacklinkView {
  documentId: string;
  title: string;
  workspaceId: string;
  updatedAt: string;
}
