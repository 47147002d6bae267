// What a document's collaborative content says, for search and backlinks: its plain text and what
// it refers to. Reads the TipTap XML fragment `default` directly (no schema needed), so marks and
// nodes added to the editor later are still read as text. References are:
//  - documents: any node or mark with a `documentId` attribute, and links whose href is
//    `/w/<workspaceId>/d/<documentId>`;
//  - tasks: `taskRef` nodes (`taskId`, or `taskKey`), and task keys written as text (`WEB-12`);
//  - users: `mention` nodes (`id`).
import * as Y from 'yjs';

export const CONTENT_FRAGMENT = 'default';
/** A task key written anywhere in the text: project key (capitals and digits) + number. */
const TASK_KEY = /\b([A-Z][A-Z0-9]{0,9})-(\d{1,9})\b/g;
const DOC_HREF = /\/w\/[0-9a-f-]{36}\/d\/([0-9a-f-]{36})/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Text kept per document for search: enough for any page people write by hand. */
const MAX_TEXT = 100_000;

export interface DocumentRefs {
  documents: Set<string>;
  taskIds: Set<string>;
  /** Keys as written (`WEB-12`), resolved to tasks of the workspace by the caller. */
  taskKeys: Set<string>;
  users: Set<string>;
}

export interface DocumentText {
  text: string;
  refs: DocumentRefs;
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'codeBlock',
  'listItem',
  'taskItem',
  'tableCell',
  'tableHeader',
  'callout',
  'horizontalRule',
]);

function attrString(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function noteLink(refs: DocumentRefs, attrs: Record<string, unknown>) {
  const documentId = attrString(attrs.documentId);
  if (documentId && UUID.test(documentId)) refs.documents.add(documentId.toLowerCase());
  const href = attrString(attrs.href);
  const m = href ? DOC_HREF.exec(href) : null;
  if (m && UUID.test(m[1]!)) refs.documents.add(m[1]!.toLowerCase());
}

export function extractDocumentText(doc: Y.Doc): DocumentText {
  const refs: DocumentRefs = { documents: new Set(), taskIds: new Set(), taskKeys: new Set(), users: new Set() };
  const parts: string[] = [];
  let length = 0;
  const push = (s: string) => {
    if (length >= MAX_TEXT || !s) return;
    parts.push(s);
    length += s.length;
  };

  const walk = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
        if (typeof op.insert === 'string') push(op.insert);
        for (const mark of Object.values(op.attributes ?? {})) {
          if (mark && typeof mark === 'object') noteLink(refs, mark as Record<string, unknown>);
        }
      }
      return;
    }
    if (node instanceof Y.XmlElement) {
      const attrs = node.getAttributes() as Record<string, unknown>;
      const name = node.nodeName;
      if (name === 'mention') {
        const id = attrString(attrs.id);
        if (id && UUID.test(id)) refs.users.add(id.toLowerCase());
        const label = attrString(attrs.label);
        if (label) push(`@${label}`);
      } else if (name === 'taskRef') {
        const taskId = attrString(attrs.taskId);
        if (taskId && UUID.test(taskId)) refs.taskIds.add(taskId.toLowerCase());
        const key = attrString(attrs.taskKey);
        if (key) {
          refs.taskKeys.add(key.toUpperCase());
          push(key);
        }
      }
      noteLink(refs, attrs);
    }
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) walk(child);
    }
    if (node instanceof Y.XmlElement && BLOCKS.has(node.nodeName)) push('\n');
  };
  walk(doc.getXmlFragment(CONTENT_FRAGMENT));

  const text = parts
    .join('')
    .slice(0, MAX_TEXT)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  for (const m of text.matchAll(TASK_KEY)) refs.taskKeys.add(`${m[1]}-${m[2]}`);
  return { text, refs };
}
