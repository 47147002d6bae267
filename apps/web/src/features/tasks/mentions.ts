// @mention completion in the comment box: what is being typed after "@" and what replaces it.
import type { MemberView } from '@tandem/protocol';

export { mentionHandle, mentionQuery } from '@tandem/protocol/mentions';

export function matchMembers<T extends Pick<MemberView, 'displayName' | 'email'>>(members: T[], query: string, max = 6): T[] {
  const q = query.toLowerCase();
  return members.filter((m) => m.displayName.toLowerCase().includes(q) || m.email.toLowerCase().startsWith(q)).slice(0, max);
}

export function insertMention(text: string, start: number, caret: number, handle: string): { text: string; caret: number } {
  const inserted = `@${handle} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
