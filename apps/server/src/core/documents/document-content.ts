// The collaborative content as the editor sees it: the TipTap/ProseMirror tree kept in the Y.Doc's
// XML fragment `default` (elements named after node types, attributes = node attrs, text with
// marks as formatting attributes), converted to ProseMirror JSON, and built back from it. Text,
// Markdown and HTML come from the editor schema package, so export and import understand exactly
// what the editor can hold.
import { ContentRejected, docToHtml, docToMarkdown, docToText, htmlToDoc, markdownToDoc } from '@tandem/editor-schema/convert';
import type { ProseMirrorNode } from '@tandem/protocol';
import * as Y from 'yjs';
import { AppError } from '../../base/errors/app-error.js';

export const CONTENT_FRAGMENT = 'default';

type Mark = NonNullable<ProseMirrorNode['marks']>[number];

export function toProseMirror(doc: Y.Doc): ProseMirrorNode {
  return { type: 'doc', content: childrenOf(doc.getXmlFragment(CONTENT_FRAGMENT)) };
}

function childrenOf(parent: Y.XmlFragment | Y.XmlElement): ProseMirrorNode[] {
  const out: ProseMirrorNode[] = [];
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) out.push(...textNodes(child));
    else if (child instanceof Y.XmlElement) {
      const attrs = child.getAttributes() as Record<string, unknown>;
      const node: ProseMirrorNode = { type: child.nodeName };
      if (Object.keys(attrs).length) node.attrs = attrs;
      const content = childrenOf(child);
      if (content.length) node.content = content;
      out.push(node);
    }
  }
  return out;
}

function textNodes(text: Y.XmlText): ProseMirrorNode[] {
  const out: ProseMirrorNode[] = [];
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string' || op.insert === '') continue;
    const node: ProseMirrorNode = { type: 'text', text: op.insert };
    const marks = Object.entries(op.attributes ?? {}).map(([type, attrs]): Mark => {
      const clean = attrs && typeof attrs === 'object' && Object.keys(attrs).length ? (attrs as Record<string, unknown>) : undefined;
      return clean ? { type, attrs: clean } : { type };
    });
    if (marks.length) node.marks = marks;
    out.push(node);
  }
  return out;
}

/** Replaces the fragment's children with the given ProseMirror nodes (in the caller's transaction). */
export function writeProseMirror(fragment: Y.XmlFragment, nodes: ProseMirrorNode[]) {
  if (fragment.length) fragment.delete(0, fragment.length);
  fragment.insert(0, toYNodes(nodes));
}

function toYNodes(nodes: ProseMirrorNode[]): (Y.XmlElement | Y.XmlText)[] {
  const out: (Y.XmlElement | Y.XmlText)[] = [];
  let run: ProseMirrorNode[] = [];
  const flushText = () => {
    if (!run.length) return;
    const text = new Y.XmlText();
    text.applyDelta(
      run.map((t) => ({
        insert: t.text ?? '',
        attributes: Object.fromEntries((t.marks ?? []).map((m) => [m.type, m.attrs ?? {}])),
      })),
    );
    out.push(text);
    run = [];
  };
  for (const n of nodes) {
    if (n.type === 'text') {
      if (n.text) run.push(n);
      continue;
    }
    flushText();
    const el = new Y.XmlElement(n.type);
    for (const [k, v] of Object.entries(n.attrs ?? {})) if (v !== undefined && v !== null) el.setAttribute(k, v as string);
    if (n.content?.length) el.insert(0, toYNodes(n.content));
    out.push(el);
  }
  flushText();
  return out;
}

/** ProseMirror JSON → a fresh Y.Doc's full state (as one update). */
export function proseMirrorToUpdate(root: ProseMirrorNode): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => writeProseMirror(doc.getXmlFragment(CONTENT_FRAGMENT), root.content ?? []));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

// ---- text, Markdown and HTML: from the editor's own schema (shared with the web client)

function rendered(run: () => string): string {
  try {
    return run();
  } catch (e) {
    if (e instanceof ContentRejected) throw AppError.badRequest(e.message);
    throw e;
  }
}

export const toText = (root: ProseMirrorNode): string => rendered(() => docToText(root));
export const toMarkdown = (root: ProseMirrorNode): string => rendered(() => docToMarkdown(root));
export const toHtml = (root: ProseMirrorNode): string => rendered(() => docToHtml(root));

/** Imported Markdown or HTML as a new document's first state; refused input is a 400 with the reason. */
export function importedState(body: { markdown?: string; html?: string }): Uint8Array {
  try {
    const doc = body.html !== undefined ? htmlToDoc(body.html) : markdownToDoc(body.markdown ?? '');
    return proseMirrorToUpdate(doc as ProseMirrorNode);
  } catch (e) {
    if (e instanceof ContentRejected) throw AppError.badRequest(e.message);
    throw e;
  }
}
