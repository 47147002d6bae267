// The floating toolbar over a text selection: marks, link, heading, and "comment on this".
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { BubbleMenu } from '@tiptap/react/menus';
import { openLinkEntry } from './link-entry.js';
import { shortcut } from './shortcuts.js';

interface Props {
  editor: Editor;
  /** Starts a comment thread on the selection; absent for people who may not comment. */
  onComment?: () => void;
}

export function BubbleToolbar({ editor, onComment }: Props) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      strike: e.isActive('strike'),
      code: e.isActive('code'),
      link: e.isActive('link'),
      h2: e.isActive('heading', { level: 2 }),
      editable: e.isEditable,
    }),
  });
  const button = (label: string, title: string, on: boolean, run: () => void, className = '') => (
    <button
      type="button"
      className={`bubble-button ${className}`}
      aria-label={title}
      title={title}
      aria-pressed={on}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {label}
    </button>
  );
  return (
    <BubbleMenu
      editor={editor}
      className="bubble-toolbar"
      shouldShow={({ editor: e, from, to }) => from !== to && !e.isActive('codeBlock') && (e.isEditable || !!onComment)}
    >
      {active.editable && (
        <>
          {button('B', `Bold (${shortcut('Mod+B')})`, active.bold, () => editor.chain().focus().toggleBold().run(), 'b')}
          {button('I', `Italic (${shortcut('Mod+I')})`, active.italic, () => editor.chain().focus().toggleItalic().run(), 'i')}
          {button('S', `Strikethrough (${shortcut('Mod+Shift+S')})`, active.strike, () => editor.chain().focus().toggleStrike().run(), 's')}
          {button('</>', `Inline code (${shortcut('Mod+E')})`, active.code, () => editor.chain().focus().toggleCode().run())}
          {button('Link', `Link (${shortcut('Mod+K')})`, active.link, () => openLinkEntry(editor))}
          {button('H', `Heading (${shortcut('Mod+Alt+2')})`, active.h2, () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
        </>
      )}
      {onComment && (
        <>
          {active.editable && <span className="bubble-sep" />}
          {button('Comment', `Comment (${shortcut('Mod+Alt+M')})`, false, onComment, 'comment')}
        </>
      )}
    </BubbleMenu>
  );
}
