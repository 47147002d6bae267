// Keyboard shortcuts as menus show them: ⌘ on a Mac, Ctrl elsewhere.
const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function shortcut(keys: string): string {
  return keys
    .split('+')
    .map((k) => (k === 'Mod' ? (mac ? '⌘' : 'Ctrl') : k === 'Alt' ? (mac ? '⌥' : 'Alt') : k === 'Shift' ? (mac ? '⇧' : 'Shift') : k))
    .join(mac ? '' : '+');
}
