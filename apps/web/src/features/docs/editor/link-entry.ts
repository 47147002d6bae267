// Adding or changing a link on the selection (bubble menu, `/link`, Mod+K). Unsafe protocols are
// refused here and again by the link mark itself.

import { isSafeHref } from '@tandem/editor-schema';
import { type Editor, Extension } from '@tiptap/core';
import { toast } from '../../../ui/toast.js';

export function promptLink(editor: Editor) {
  const current = (editor.getAttributes('link').href as string | undefined) ?? '';
  const input = window.prompt('Link address (empty to remove)', current);
  if (input === null) return;
  const href = input.trim();
  if (!href) {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    return;
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') ? href : `https://${href}`;
  if (!isSafeHref(withScheme)) {
    toast('That kind of link is not allowed', 'error');
    return;
  }
  if (editor.state.selection.empty) {
    editor
      .chain()
      .focus()
      .insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href: withScheme } }] })
      .run();
  } else editor.chain().focus().extendMarkRange('link').setLink({ href: withScheme }).run();
}

/** Mod+K opens the link prompt. */
export const LinkShortcut = Extension.create({
  name: 'linkShortcut',
  addKeyboardShortcuts() {
    return {
      'Mod-k': () => {
        promptLink(this.editor);
        return true;
      },
    };
  },
});
