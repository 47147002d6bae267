// Adding, changing or removing the link on the selection (floating toolbar, `/link`, Mod+K): asks
// the editor's LinkEntry popover to open. What a person types is checked here (and again by the
// link mark itself): web and mail addresses, and paths inside Tandem; anything else is refused.
import { isSafeHref } from '@tandem/editor-schema';
import { type Editor, Extension } from '@tiptap/core';

type Opener = () => void;
const openers = new WeakMap<Editor, Opener>();

/** The popover of this editor (mounted by DocEditor) calls `open` when asked for a link. */
export function onLinkEntry(editor: Editor, open: Opener): () => void {
  openers.set(editor, open);
  return () => {
    if (openers.get(editor) === open) openers.delete(editor);
  };
}

export function openLinkEntry(editor: Editor) {
  if (!editor.isEditable) return;
  openers.get(editor)?.();
}

/** What a typed address becomes: the href to set, or why it is refused. */
export function linkHref(input: string): { href: string } | { error: string } {
  const typed = input.trim();
  if (!typed) return { error: 'Type a web address, like https://example.com' };
  if (/\s/.test(typed)) return { error: 'A link address has no spaces' };
  // A path inside Tandem; `//host` (or `/\host`) would leave it.
  if (/^[/\\]{2}/.test(typed)) return { error: 'Start the address with https://' };
  if (typed.startsWith('/')) return { href: typed };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(typed)?.[1]?.toLowerCase();
  const href = scheme ? typed : `https://${typed}`;
  if (scheme && !['http', 'https', 'mailto'].includes(scheme))
    return { error: `“${scheme}:” links are not allowed; use http, https or mailto` };
  if (!isSafeHref(href)) return { error: 'That kind of link is not allowed' };
  if (scheme !== 'mailto') {
    try {
      const url = new URL(href);
      if (!url.hostname.includes('.') && url.hostname !== 'localhost') return { error: 'That address has no domain, like example.com' };
    } catch {
      return { error: 'That is not a web address' };
    }
  } else if (!/^mailto:[^@]+@[^@]+$/i.test(href)) return { error: 'A mail link looks like mailto:name@example.com' };
  return { href };
}

/** Sets the link on the selection, or inserts the address as linked text where nothing is selected. */
export function applyLink(editor: Editor, href: string) {
  if (editor.state.selection.empty && !editor.isActive('link')) {
    editor
      .chain()
      .focus()
      .insertContent({ type: 'text', text: href.replace(/^mailto:/i, ''), marks: [{ type: 'link', attrs: { href } }] })
      .run();
  } else editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
}

export function removeLink(editor: Editor) {
  editor.chain().focus().extendMarkRange('link').unsetLink().run();
}

/** Mod+K opens the link entry. */
export const LinkShortcut = Extension.create({
  name: 'linkShortcut',
  addKeyboardShortcuts() {
    return {
      // Read-only text leaves Mod+K to the search palette.
      'Mod-k': () => {
        if (!this.editor.isEditable) return false;
        openLinkEntry(this.editor);
        return true;
      },
    };
  },
});
