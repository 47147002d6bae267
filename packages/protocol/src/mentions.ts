// One mention parser for the server (who gets notified), the web client (how a mention is written
// and shown) and any other client. Free of runtime dependencies: clients import it as
// `@tandem/protocol/mentions`.
export interface Mentionable {
  userId: string;
  email: string;
  displayName: string;
}

/** A mention as written in text: `@handle` or `@name@example.com`, at the start of `src`. */
export const MENTION_TOKEN = /^@([\w.+-]+(?:@[\w-]+\.[\w.-]*\w)?)/;

/** How a member is written in a comment: a one-word name as is, otherwise their email (unambiguous). */
export function mentionHandle(member: Pick<Mentionable, 'displayName' | 'email'>): string {
  return /^[\w.+-]+$/.test(member.displayName) ? member.displayName : member.email;
}

/** The partial mention ending at `caret`, if the caret is inside one ("@an|" → "an"). */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\w.+-]*)$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which of `members` a markdown text mentions as `@Display Name` or `@email` (any case). Only the
 * given members can match, so mentioning anyone else does nothing; code spans and blocks are ignored.
 */
export function findMentions(markdown: string, members: Mentionable[]): string[] {
  let text = markdown.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const handles = members
    .flatMap((m) => [
      { userId: m.userId, handle: m.email },
      { userId: m.userId, handle: m.displayName },
    ])
    .filter((h) => h.handle.trim().length > 0)
    // Longest first, so "@Ann Lee" is not also read as "@Ann".
    .sort((a, b) => b.handle.length - a.handle.length);
  const found = new Set<string>();
  for (const { userId, handle } of handles) {
    const re = new RegExp(`(^|[^\\p{L}\\p{N}_@.])@${escapeRegExp(handle)}(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])`, 'giu');
    if (re.test(text)) {
      found.add(userId);
      text = text.replace(re, '$1 ');
    }
  }
  return [...found];
}
