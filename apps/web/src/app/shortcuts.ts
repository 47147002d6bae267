// Keyboard navigation: "g" then a letter jumps to a screen (g p projects, g i inbox, g m members,
// g t trash, g l labels); "?" lists every shortcut. Ignored while typing.
import { useEffect } from 'react';
import { navigate, paths } from './router.js';

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export const SHORTCUTS: [string, string][] = [
  ['Ctrl/⌘ + K', 'Search, jump to a project, run a command'],
  ['g p', 'Projects'],
  ['g i', 'Inbox'],
  ['g m', 'Members'],
  ['g t', 'Trash'],
  ['g l', 'Labels'],
  ['Enter', 'Open the focused card'],
  ['Alt + ←/→', 'Move the focused card to the previous/next column'],
  ['Alt + ↑/↓', 'Move the focused card up/down'],
  ['Ctrl + Enter', 'Send a comment, save a description'],
  ['Esc', 'Close the task'],
  ['?', 'Show this list'],
];

export function useShortcuts(wid: string | null, onHelp: () => void) {
  useEffect(() => {
    if (!wid) return;
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (e.key === '?') {
        onHelp();
        return;
      }
      if (e.key === 'g') {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG > 1500) return;
      pendingG = 0;
      const to = { p: paths.workspace(wid), i: paths.inbox(wid), m: paths.members(wid), t: paths.trash(wid), l: paths.labels(wid) }[e.key];
      if (to) {
        e.preventDefault();
        navigate(to);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [wid, onHelp]);
}
