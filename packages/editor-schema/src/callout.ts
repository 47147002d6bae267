// A highlighted box around blocks (note / tip / warning). In Markdown it is a GitHub-style alert:
// `> [!NOTE]` followed by the quoted blocks.
import { Node } from '@tiptap/core';

export const CALLOUT_KINDS = ['note', 'tip', 'warning'] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    callout: {
      /** Wraps the selected blocks in a callout. */
      setCallout: (kind?: CalloutKind) => ReturnType;
    };
  }
}

export const Callout = Node.create({
  name: 'callout',
  group: 'block',
  content: 'block+',
  defining: true,
  addAttributes() {
    return {
      kind: {
        default: 'note',
        parseHTML: (el) => {
          const kind = el.getAttribute('data-kind');
          return CALLOUT_KINDS.includes(kind as CalloutKind) ? kind : 'note';
        },
        renderHTML: (attrs) => ({ 'data-kind': attrs.kind }),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'div[data-type="callout"]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-type': 'callout', class: 'callout' }, 0];
  },
  renderMarkdown: (node, h) => {
    const kind = String(node.attrs?.kind ?? 'note').toUpperCase();
    const body = h.renderChildren(node.content ?? [], '\n\n');
    return [`[!${kind}]`, ...body.split('\n')].map((line) => (line.trim() ? `> ${line}` : '>')).join('\n');
  },
  addCommands() {
    return {
      setCallout:
        (kind = 'note') =>
        ({ commands }) =>
          commands.wrapIn(this.name, { kind }),
    };
  },
});
