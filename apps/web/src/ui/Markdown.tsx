// Markdown from users (task descriptions, comments) rendered safely: parsed, then sanitised, with
// @mentions highlighted.
import { MENTION_TOKEN } from '@tandem/protocol/mentions';
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// "@Ana" and "@ana@example.com" become mention chips before GFM would turn the email into a link.
marked.use({
  gfm: true,
  breaks: true,
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start(src: string) {
        const m = /(^|[\s(])@[\w]/.exec(src);
        return m ? m.index + m[1]!.length : undefined;
      },
      tokenizer(src: string) {
        const m = MENTION_TOKEN.exec(src);
        return m ? { type: 'mention', raw: m[0], handle: m[1] } : undefined;
      },
      renderer(token) {
        return `<span class="mention">@${escapeHtml(String(token.handle))}</span>`;
      },
    },
  ],
});

// Links from user content open outside the app and never get access to it.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(marked.parse(text, { async: false }) as string, { ADD_ATTR: ['target'] });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitises with DOMPurify.
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
