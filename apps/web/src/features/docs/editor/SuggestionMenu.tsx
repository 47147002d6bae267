// The pop-up list behind `/`, `@` and `[[`: arrow keys move, Enter or Tab picks, Escape closes.
import { ReactRenderer } from '@tiptap/react';
import type { SuggestionKeyDownProps, SuggestionOptions, SuggestionProps } from '@tiptap/suggestion';
import { forwardRef, useEffect, useImperativeHandle, useState } from 'react';

export interface MenuItem {
  id: string;
  title: string;
  hint?: string;
  shortcut?: string;
  icon?: string;
}

interface MenuHandle {
  onKeyDown: (e: KeyboardEvent) => boolean;
}

type MenuProps = SuggestionProps<MenuItem, MenuItem> & { label: string; empty: string };

const SuggestionList = forwardRef<MenuHandle, MenuProps>(function SuggestionList({ items, command, label, empty }, ref) {
  const [active, setActive] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list of matches starts at its first entry
  useEffect(() => setActive(0), [items]);
  useImperativeHandle(ref, () => ({
    onKeyDown: (e) => {
      if (!items.length) return false;
      if (e.key === 'ArrowDown') setActive((i) => (i + 1) % items.length);
      else if (e.key === 'ArrowUp') setActive((i) => (i - 1 + items.length) % items.length);
      else if (e.key === 'Enter' || e.key === 'Tab') {
        const item = items[active];
        if (item) command(item);
      } else return false;
      return true;
    },
  }));
  return (
    <div className="suggestion-menu" role="listbox" aria-label={label}>
      {items.length === 0 && <div className="suggestion-empty">{empty}</div>}
      {items.map((item, i) => (
        <button
          key={item.id}
          type="button"
          role="option"
          aria-selected={i === active}
          className={i === active ? 'suggestion-item active' : 'suggestion-item'}
          onMouseEnter={() => setActive(i)}
          onMouseDown={(e) => {
            e.preventDefault();
            command(item);
          }}
        >
          {item.icon && <span className="suggestion-icon">{item.icon}</span>}
          <span className="suggestion-text">
            <span className="suggestion-title">{item.title}</span>
            {item.hint && <span className="suggestion-hint">{item.hint}</span>}
          </span>
          {item.shortcut && <kbd>{item.shortcut}</kbd>}
        </button>
      ))}
    </div>
  );
});

function place(el: HTMLElement, rect: (() => DOMRect | null) | null | undefined) {
  const r = rect?.();
  if (!r) return;
  el.style.position = 'absolute';
  el.style.zIndex = '50';
  const below = r.bottom + 6 + 320 < window.innerHeight;
  el.style.top = `${(below ? r.bottom + 6 : r.top - 6 - Math.min(320, el.offsetHeight || 320)) + window.scrollY}px`;
  el.style.left = `${Math.min(r.left, window.innerWidth - 300) + window.scrollX}px`;
}

/** The `render` of a TipTap suggestion: mounts the list in a floating box under the typed trigger. */
export function suggestionPopup(label: string, empty = 'No matches'): NonNullable<SuggestionOptions<MenuItem, MenuItem>['render']> {
  return () => {
    let renderer: ReactRenderer<MenuHandle, MenuProps> | null = null;
    return {
      onStart: (props) => {
        renderer = new ReactRenderer(SuggestionList, { props: { ...props, label, empty }, editor: props.editor });
        document.body.appendChild(renderer.element);
        place(renderer.element as HTMLElement, props.clientRect);
      },
      onUpdate: (props) => {
        renderer?.updateProps({ ...props, label, empty });
        if (renderer) place(renderer.element as HTMLElement, props.clientRect);
      },
      onKeyDown: (props: SuggestionKeyDownProps) => {
        if (props.event.key === 'Escape') {
          renderer?.element.remove();
          return true;
        }
        return renderer?.ref?.onKeyDown(props.event) ?? false;
      },
      onExit: () => {
        renderer?.element.remove();
        renderer?.destroy();
        renderer = null;
      },
    };
  };
}
