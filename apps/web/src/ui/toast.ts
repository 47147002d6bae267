// Transient messages (errors from the API, "moved by Ana"), shown by <Toasts/>.
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

export function toast(text: string, kind: Toast['kind'] = 'info') {
  const id = nextId++;
  // The same message twice in a row (e.g. a burst of failed retries) shows once.
  if (toasts.some((t) => t.text === text)) return;
  toasts = [...toasts, { id, text, kind }].slice(-4);
  emit();
  setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 4000);
}

export function dismiss(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => toasts,
  );
}
