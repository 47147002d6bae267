// Finds which members a markdown comment mentions as `@Display Name` or `@email`. Only the given
// members can match, so mentioning anyone else does nothing; text in code spans/blocks is ignored.
export interface Mentionable {
  userId: string;
  email: string;
  displayName: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
