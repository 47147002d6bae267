// Markdown from users (task descriptions, comments) rendered safely: parsed, then sanitised, with
// @mentions highlighted.
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

marked.use({ gfm: true, breaks: true });

// Links from user content open outside the app and never get access to it.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false }) as string;
  const withMentions = html.replace(/(^|[\s>(])@([\w.+-]+(?:@[\w-]+\.[\w.-]+)?)/g, '$1<span class="mention">@$2</span>');
  return DOMPurify.sanitize(withMentions, { ADD_ATTR: ['target'] });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitises with DOMPurify.
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
