// @mention completion in the comment box: what is being typed after "@" and what replaces it.
import type { MemberView } from '@tandem/protocol';

/** The partial mention ending at `caret`, if the caret is inside one ("@an|" → "an"). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\w.+-]*)$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : null;
}

/** How a member is written in a comment: a one-word name as is, otherwise their email (unambiguous). */
export function mentionHandle(member: Pick<MemberView, 'displayName' | 'email'>): string {
  return /^[\w.+-]+$/.test(member.displayName) ? member.displayName : member.email;
}

export function matchMembers<T extends Pick<MemberView, 'displayName' | 'email'>>(members: T[], query: string, max = 6): T[] {
  const q = query.toLowerCase();
  return members.filter((m) => m.displayName.toLowerCase().includes(q) || m.email.toLowerCase().startsWith(q)).slice(0, max);
}

export function insertMention(text: string, start: number, caret: number, handle: string): { text: string; caret: number } {
  const inserted = `@${handle} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
