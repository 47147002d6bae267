// The collaborative content as the editor sees it: the TipTap/ProseMirror tree kept in the Y.Doc's
// XML fragment `default` (elements named after node types, attributes = node attrs, text with
// marks as formatting attributes), converted to ProseMirror JSON, plain text or Markdown, and
// built back from ProseMirror JSON (Markdown import, tests).
import type { ProseMirrorNode } from '@tandem/protocol';
import * as Y from 'yjs';

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

// ---- plain text

export function toText(root: ProseMirrorNode): string {
  const lines: string[] = [];
  const walk = (n: ProseMirrorNode) => {
    if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'codeBlock') {
      lines.push(inlineText(n));
      return;
    }
    if (n.type === 'horizontalRule') return;
    for (const c of n.content ?? []) walk(c);
  };
  walk(root);
  return lines.join('\n');
}

function inlineText(n: ProseMirrorNode): string {
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  return (n.content ?? []).map(inlineText).join('');
}

// ---- Markdown

export function toMarkdown(root: ProseMirrorNode): string {
  return `${blocksToMarkdown(root.content ?? [], '').trimEnd()}\n`;
}

function blocksToMarkdown(nodes: ProseMirrorNode[], indent: string): string {
  return nodes.map((n) => blockToMarkdown(n, indent)).join('\n');
}

function blockToMarkdown(n: ProseMirrorNode, indent: string): string {
  switch (n.type) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(n.attrs?.level ?? 1)));
      return `${indent}${'#'.repeat(level)} ${inlineMarkdown(n.content)}\n`;
    }
    case 'paragraph':
      return `${indent}${inlineMarkdown(n.content).replace(/\n/g, `\n${indent}`)}\n`;
    case 'codeBlock': {
      const code = (n.content ?? []).map((c) => c.text ?? '').join('');
      const fence = code.includes('```') ? '~~~' : '```';
      const body = `${fence}${(n.attrs?.language as string | undefined) ?? ''}\n${code}\n${fence}`;
      return `${body.replace(/^/gm, indent)}\n`;
    }
    case 'blockquote':
      return blocksToMarkdown(n.content ?? [], '')
        .trimEnd()
        .split('\n')
        .map((l) => `${indent}> ${l}`.trimEnd())
        .join('\n')
        .concat('\n');
    case 'horizontalRule':
      return `${indent}---\n`;
    case 'bulletList':
    case 'orderedList':
    case 'taskList': {
      let i = Number(n.attrs?.start ?? 1);
      return (n.content ?? [])
        .map((item) => {
          const bullet = n.type === 'orderedList' ? `${i++}. ` : n.type === 'taskList' ? `- [${item.attrs?.checked ? 'x' : ' '}] ` : '- ';
          const body = blocksToMarkdown(item.content ?? [], '').trimEnd();
          const pad = ' '.repeat(bullet.length);
          return `${indent}${bullet}${body.replace(/\n/g, `\n${indent}${pad}`)}`.replace(/ +$/gm, '');
        })
        .join('\n')
        .concat('\n');
    }
    default:
      return n.content ? blocksToMarkdown(n.content, indent) : '';
  }
}

const ESCAPE = /([\\`*_[\]#<>~|])/g;

function inlineMarkdown(nodes: ProseMirrorNode[] = []): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '\\\n';
      if (n.type !== 'text') return inlineMarkdown(n.content);
      const marks = new Map((n.marks ?? []).map((m) => [m.type, m.attrs]));
      if (marks.has('code')) return `\`${n.text ?? ''}\``;
      let s = (n.text ?? '').replace(ESCAPE, '\\$1');
      if (marks.has('bold')) s = `**${s}**`;
      if (marks.has('italic')) s = `*${s}*`;
      if (marks.has('strike')) s = `~~${s}~~`;
      if (marks.has('link')) s = `[${s}](${String(marks.get('link')?.href ?? '')})`;
      return s;
    })
    .join('');
}
