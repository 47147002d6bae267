// Markdown → the editor's ProseMirror tree (TipTap StarterKit node and mark names), via marked's
// lexer. Anything the editor has no node for (tables, raw HTML) becomes plain paragraphs, so no
// text is lost on import.
import type { ProseMirrorNode } from '@tandem/protocol';
import { lexer, type Token, type Tokens } from 'marked';

type Mark = NonNullable<ProseMirrorNode['marks']>[number];

export function markdownToProseMirror(markdown: string): ProseMirrorNode {
  const content = blocks(lexer(markdown));
  return { type: 'doc', content: content.length ? content : [{ type: 'paragraph' }] };
}

function paragraph(inline: ProseMirrorNode[]): ProseMirrorNode {
  return inline.length ? { type: 'paragraph', content: inline } : { type: 'paragraph' };
}

function blocks(tokens: Token[]): ProseMirrorNode[] {
  const out: ProseMirrorNode[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
        break;
      case 'heading':
        out.push({ type: 'heading', attrs: { level: (t as Tokens.Heading).depth }, content: inline(t.tokens ?? [], []) });
        break;
      case 'paragraph':
        out.push(paragraph(inline(t.tokens ?? [], [])));
        break;
      case 'text': // loose text inside list items
        out.push(paragraph(inline((t as Tokens.Text).tokens ?? [{ type: 'text', raw: t.raw, text: t.raw } as Token], [])));
        break;
      case 'code': {
        const code = t as Tokens.Code;
        out.push({
          type: 'codeBlock',
          attrs: { language: code.lang || null },
          ...(code.text ? { content: [{ type: 'text', text: code.text }] } : {}),
        });
        break;
      }
      case 'blockquote':
        out.push({ type: 'blockquote', content: orEmpty(blocks((t as Tokens.Blockquote).tokens)) });
        break;
      case 'hr':
        out.push({ type: 'horizontalRule' });
        break;
      case 'list':
        out.push(list(t as Tokens.List));
        break;
      case 'table': {
        const table = t as Tokens.Table;
        for (const row of [table.header, ...table.rows]) out.push(paragraph(textNode(row.map((c) => c.text).join(' | '), [])));
        break;
      }
      default:
        if ('text' in t && typeof t.text === 'string' && t.text.trim()) out.push(paragraph(textNode(t.text, [])));
    }
  }
  return out;
}

function orEmpty(nodes: ProseMirrorNode[]): ProseMirrorNode[] {
  return nodes.length ? nodes : [{ type: 'paragraph' }];
}

function list(t: Tokens.List): ProseMirrorNode {
  const isTask = t.items.some((i) => i.task);
  const items = t.items.map(
    (i): ProseMirrorNode => ({
      type: isTask ? 'taskItem' : 'listItem',
      ...(isTask ? { attrs: { checked: !!i.checked } } : {}),
      content: orEmpty(blocks(i.tokens.filter((x) => x.type !== 'checkbox'))),
    }),
  );
  if (isTask) return { type: 'taskList', content: items };
  if (t.ordered) return { type: 'orderedList', attrs: { start: typeof t.start === 'number' ? t.start : 1 }, content: items };
  return { type: 'bulletList', content: items };
}

function textNode(text: string, marks: Mark[]): ProseMirrorNode[] {
  if (!text) return [];
  return [marks.length ? { type: 'text', text, marks } : { type: 'text', text }];
}

function inline(tokens: Token[], marks: Mark[]): ProseMirrorNode[] {
  const out: ProseMirrorNode[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'strong':
        out.push(...inline(t.tokens ?? [], [...marks, { type: 'bold' }]));
        break;
      case 'em':
        out.push(...inline(t.tokens ?? [], [...marks, { type: 'italic' }]));
        break;
      case 'del':
        out.push(...inline(t.tokens ?? [], [...marks, { type: 'strike' }]));
        break;
      case 'codespan':
        out.push(...textNode(decodeEntities((t as Tokens.Codespan).text), [...marks, { type: 'code' }]));
        break;
      case 'link':
        out.push(...inline(t.tokens ?? [], [...marks, { type: 'link', attrs: { href: (t as Tokens.Link).href } }]));
        break;
      case 'br':
        out.push({ type: 'hardBreak' });
        break;
      case 'image':
        out.push(...textNode((t as Tokens.Image).text, marks));
        break;
      case 'text':
        if ((t as Tokens.Text).tokens?.length) out.push(...inline((t as Tokens.Text).tokens!, marks));
        else out.push(...textNode(decodeEntities((t as Tokens.Text).text), marks));
        break;
      default:
        out.push(...textNode(decodeEntities('text' in t && typeof t.text === 'string' ? t.text : t.raw), marks));
    }
  }
  return out;
}

/** marked escapes HTML in text tokens; the editor wants the characters themselves. */
function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
