// The colour theme: the system's, or light or dark as picked on the profile screen. Kept per device.
import { useSyncExternalStore } from 'react';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'tandem.theme';
const listeners = new Set<() => void>();

export function currentTheme(): Theme {
  const t = localStorage.getItem(KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

const systemDark = window.matchMedia?.('(prefers-color-scheme: dark)');

/** The stylesheet has one dark palette, keyed on data-theme; "system" follows the system's setting live. */
function apply(theme: Theme) {
  document.documentElement.dataset.theme = theme === 'system' ? (systemDark?.matches ? 'dark' : 'light') : theme;
}

export function setTheme(theme: Theme) {
  if (theme === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, theme);
  apply(theme);
  for (const l of listeners) l();
}

export function useTheme(): Theme {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, currentTheme);
}

apply(currentTheme());
systemDark?.addEventListener?.('change', () => apply(currentTheme()));
window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return;
  apply(currentTheme());
  for (const l of listeners) l();
});
