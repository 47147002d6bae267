// Markdown and HTML in and out of the editor's own schema (Node only: HTML goes through happy-dom
// with scripts off). Everything that comes in is bounded and cleaned first: nesting deeper than
// MAX_DEPTH is refused before any parser recurses into it, links keep only safe protocols, and
// HTML keeps only what the schema has a node or mark for (no scripts, no event handlers, no styles).
import { getSchema, type JSONContent } from '@tiptap/core';
import { generateHTML, generateJSON } from '@tiptap/html/server';
import { MarkdownManager } from '@tiptap/markdown';
import { Node } from '@tiptap/pm/model';
import { editorExtensions, isSafeHref } from './extensions.js';

/** Deepest nesting of blocks (lists in lists, quotes in quotes) an import may have. */
export const MAX_DEPTH = 48;

/** Refused input, with a message a person can act on. */
export class ContentRejected extends Error {}

const extensions = editorExtensions();
const schema = getSchema(extensions);
let markdown: MarkdownManager | null = null;
const markdownManager = () => {
  markdown ??= new MarkdownManager({ extensions });
  return markdown;
};

const tooDeep = () => new ContentRejected(`The content is nested more than ${MAX_DEPTH} levels deep`);

/**
 * Nesting as Markdown writes it, measured line by line without parsing: `>` markers, list markers
 * opening on the same line (`- - - x`), and indentation. Over-counts rather than under-counts
 * (indented code counts too), so only absurd input is refused.
 */
function markdownDepth(md: string): number {
  let max = 0;
  const lead = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+/;
  for (const line of md.split('\n')) {
    const prefix = lead.exec(line)?.[0] ?? '';
    const markers = (prefix.match(/>|[-*+]|\d{1,9}[.)]/g) ?? []).length;
    const indent = /^[ \t]*/.exec(line.slice(prefix.length))![0].replace(/\t/g, '  ').length + (prefix.length - markers);
    max = Math.max(max, markers + Math.floor(indent / 4));
    if (max > MAX_DEPTH) return max;
  }
  return max;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Element nesting of an HTML string, by its tags, without building a DOM. */
function htmlDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/g)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name) || m[3]) continue;
    depth = m[1] ? Math.max(0, depth - 1) : depth + 1;
    if (depth > max) max = depth;
    if (max > MAX_DEPTH * 2) return max;
  }
  return max;
}

/** Cleans a tree in place order: unsafe links lose their link, GitHub alerts become callouts. */
function clean(node: JSONContent, depth: number): JSONContent {
  if (depth > MAX_DEPTH * 3) throw tooDeep();
  const out: JSONContent = { ...node };
  if (node.marks) {
    out.marks = node.marks.filter((m) => m.type !== 'link' || isSafeHref(m.attrs?.href));
    if (!out.marks.length) delete out.marks;
  }
  // Images keep only safe sources (no javascript:, no data:); an unsafe one becomes its alt text.
  if (node.content)
    out.content = node.content
      .flatMap((c) => (c.type === 'image' && !isSafeHref(c.attrs?.src) ? [] : [clean(c, depth + 1)]))
      .flatMap(liftImages);
  if (out.type === 'blockquote') return alertToCallout(out);
  return out;
}

/** Images are blocks here but inline in Markdown and HTML: a paragraph holding some is split around them. */
function liftImages(node: JSONContent): JSONContent[] {
  if (node.type !== 'paragraph' || !node.content?.some((c) => c.type === 'image')) return [node];
  const out: JSONContent[] = [];
  let run: JSONContent[] = [];
  const flush = () => {
    // Whitespace left between two images is no paragraph.
    if (run.some((c) => c.type !== 'text' || (c.text ?? '').trim())) out.push({ ...node, content: run });
    run = [];
  };
  for (const c of node.content) {
    if (c.type === 'image') {
      flush();
      out.push(c);
    } else run.push(c);
  }
  flush();
  return out;
}

function alertToCallout(quote: JSONContent): JSONContent {
  const first = quote.content?.[0];
  const lead = first?.type === 'paragraph' ? first.content?.[0] : undefined;
  const m = lead?.type === 'text' ? /^\[!(NOTE|TIP|WARNING|IMPORTANT|CAUTION)\]\s*/i.exec(lead.text ?? '') : null;
  if (!m || !first || !lead) return quote;
  const kind = { note: 'note', tip: 'tip', important: 'note', warning: 'warning', caution: 'warning' }[m[1]!.toLowerCase()] ?? 'note';
  const rest = (lead.text ?? '').slice(m[0].length);
  const firstContent = [...(rest ? [{ ...lead, text: rest }] : []), ...(first.content ?? []).slice(1)].filter(
    (n, i) => !(i === 0 && n.type === 'hardBreak'),
  );
  const content = [...(firstContent.length ? [{ ...first, content: firstContent }] : []), ...(quote.content ?? []).slice(1)];
  return { type: 'callout', attrs: { kind }, content: content.length ? content : [{ type: 'paragraph' }] };
}

/** Checks a tree against the schema and returns it normalised (unknown nodes are an error). */
function valid(doc: JSONContent): JSONContent {
  try {
    const node = Node.fromJSON(schema, doc);
    node.check();
    return node.toJSON() as JSONContent;
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw tooDeep();
    throw new ContentRejected(`The content does not fit the editor: ${(e as Error).message}`);
  }
}

function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ContentRejected) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw tooDeep();
    throw e;
  }
}

export function markdownToDoc(md: string): JSONContent {
  if (markdownDepth(md) > MAX_DEPTH) throw tooDeep();
  const parsed = guarded(() => markdownManager().parse(md));
  const doc = valid(guarded(() => clean(parsed, 0)));
  return doc.content?.length ? doc : { type: 'doc', content: [{ type: 'paragraph' }] };
}

export function htmlToDoc(html: string): JSONContent {
  if (htmlDepth(html) > MAX_DEPTH * 2) throw tooDeep();
  const parsed = guarded(() => generateJSON(html, extensions) as JSONContent);
  const doc = valid(guarded(() => clean(parsed, 0)));
  return doc.content?.length ? doc : { type: 'doc', content: [{ type: 'paragraph' }] };
}

/** A stored tree as Markdown. Nodes the schema no longer knows are skipped, their text kept. */
export function docToMarkdown(doc: JSONContent): string {
  const out = markdownManager().serialize(tolerant(doc));
  return `${out.trimEnd()}\n`;
}

export function docToHtml(doc: JSONContent): string {
  return generateHTML(tolerant(doc), extensions);
}

/** Plain text: one line per paragraph, heading or code line. */
export function docToText(doc: JSONContent): string {
  return tolerantNode(doc).textBetween(
    0,
    tolerantNode(doc).content.size,
    '\n',
    (leaf) => leaf.type.spec.leafText?.(leaf) ?? (leaf.isText ? '' : leaf.type.name === 'hardBreak' ? '\n' : ''),
  );
}

function tolerantNode(doc: JSONContent): Node {
  return Node.fromJSON(schema, tolerant(doc));
}

/** Drops what the schema does not know (a node type from an older or newer client) but keeps its children. */
function tolerant(doc: JSONContent): JSONContent {
  const fix = (n: JSONContent): JSONContent[] => {
    if (n.type === 'text') return [{ ...n, marks: n.marks?.filter((m) => schema.marks[m.type]) }];
    const content = (n.content ?? []).flatMap(fix);
    if (!n.type || !schema.nodes[n.type]) return content;
    return [{ ...n, ...(n.content ? { content } : {}) }];
  };
  const [root] = fix({ ...doc, type: 'doc' });
  return root ?? { type: 'doc', content: [] };
}
