// How other people's carets and selections look. The stock caret extension blanks any colour that
// is not #rrggbb (the server hands out hsl() colours), so each caret takes the same colour as the
// person's avatar, derived from their user id, and the name is set as text, never as HTML.
import type { DecorationAttrs } from '@tiptap/pm/view';
import { userColor } from '../../ui/Avatar.js';

interface CaretUser {
  id?: string;
  name?: string;
  color?: string;
}

const colorOf = (user: CaretUser) => (user.id ? userColor(user.id) : /^#[0-9a-f]{6}$/i.test(user.color ?? '') ? user.color! : '#8b8d98');

export function renderCaret(user: CaretUser): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.style.borderColor = colorOf(user);
  const label = document.createElement('div');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = colorOf(user);
  label.textContent = user.name ?? 'Someone';
  caret.append(label);
  return caret;
}

export function renderSelection(user: CaretUser): DecorationAttrs {
  return {
    nodeName: 'span',
    class: 'collaboration-carets__selection',
    style: `background-color: color-mix(in srgb, ${colorOf(user)} 25%, transparent)`,
  };
}
