// Comment threads on a document's text: request schemas and views.
import { z } from 'zod';

/** A Yjs relative position (Y.encodeRelativePosition), base64. */
const EncodedPosition = z
  .string()
  .min(4)
  .max(1024)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

export const CreateThreadBody = z
  .object({
    anchor: z.object({ start: EncodedPosition, end: EncodedPosition }).strict(),
    /** The selected text, shown with the thread (and when the text is gone). */
    quote: z.string().trim().min(1).max(2000),
    body: z.string().trim().min(1).max(10_000),
  })
  .strict();
export const ThreadReplyBody = z.object({ body: z.string().trim().min(1).max(10_000) }).strict();

export interface ThreadCommentView {
  id: string;
  threadId: string;
  authorId: string;
  authorName: string;
  body: string;
  /** Users this comment mentions (and notified). */
  mentions: string[];
  createdAt: string;
}

export interface ThreadView {
  id: string;
  documentId: string;
  anchor: { start: string; end: string };
  quote: string;
  createdById: string;
  resolvedAt: string | null;
  resolvedById: string | null;
  createdAt: string;
  updatedAt: string;
  comments: ThreadCommentView[];
}
