// The `/` menu: every block the editor offers, with its keyboard shortcut where it has one.
import { type Editor, Extension, type Range } from '@tiptap/core';
import type {} from '@tiptap/extension-table';
import { PluginKey } from '@tiptap/pm/state';
import Suggestion from '@tiptap/suggestion';
import { toast } from '../../../ui/toast.js';
import { uploadInto } from './file-upload.js';
import { openLinkEntry } from './link-entry.js';
import { type MenuItem, suggestionPopup } from './SuggestionMenu.js';
import { shortcut } from './shortcuts.js';

interface SlashItem extends MenuItem {
  keywords: string;
  run: (editor: Editor, range: Range) => void;
}

export interface SlashCommandOptions {
  /** The document files are attached to (image/file entries). */
  documentId: string;
}

const block = (editor: Editor, range: Range) => editor.chain().focus().deleteRange(range);

function items(documentId: string): SlashItem[] {
  const upload = (accept?: string) => (editor: Editor, range: Range) => {
    uploadInto(editor, range, documentId, accept).catch((e: unknown) => toast(`Upload failed: ${(e as Error).message}`, 'error'));
  };
  return [
    {
      id: 'h1',
      icon: 'H1',
      title: 'Heading 1',
      hint: 'Big section title',
      shortcut: shortcut('Mod+Alt+1'),
      keywords: 'title h1',
      run: (e, r) => block(e, r).setNode('heading', { level: 1 }).run(),
    },
    {
      id: 'h2',
      icon: 'H2',
      title: 'Heading 2',
      hint: 'Section',
      shortcut: shortcut('Mod+Alt+2'),
      keywords: 'subtitle h2',
      run: (e, r) => block(e, r).setNode('heading', { level: 2 }).run(),
    },
    {
      id: 'h3',
      icon: 'H3',
      title: 'Heading 3',
      hint: 'Subsection',
      shortcut: shortcut('Mod+Alt+3'),
      keywords: 'h3',
      run: (e, r) => block(e, r).setNode('heading', { level: 3 }).run(),
    },
    {
      id: 'bullet',
      icon: '•',
      title: 'Bulleted list',
      shortcut: shortcut('Mod+Shift+8'),
      keywords: 'ul unordered',
      run: (e, r) => block(e, r).toggleBulletList().run(),
    },
    {
      id: 'ordered',
      icon: '1.',
      title: 'Numbered list',
      shortcut: shortcut('Mod+Shift+7'),
      keywords: 'ol ordered',
      run: (e, r) => block(e, r).toggleOrderedList().run(),
    },
    {
      id: 'task',
      icon: '☑',
      title: 'Task list',
      hint: 'Checkboxes',
      shortcut: shortcut('Mod+Shift+9'),
      keywords: 'todo checkbox',
      run: (e, r) => block(e, r).toggleTaskList().run(),
    },
    {
      id: 'quote',
      icon: '❝',
      title: 'Quote',
      shortcut: shortcut('Mod+Shift+B'),
      keywords: 'blockquote',
      run: (e, r) => block(e, r).toggleBlockquote().run(),
    },
    {
      id: 'code',
      icon: '</>',
      title: 'Code block',
      hint: 'With syntax highlighting',
      shortcut: shortcut('Mod+Alt+C'),
      keywords: 'pre snippet',
      run: (e, r) => block(e, r).toggleCodeBlock().run(),
    },
    {
      id: 'table',
      icon: '▦',
      title: 'Table',
      hint: '3 × 3 with a header row',
      keywords: 'grid',
      run: (e, r) => block(e, r).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    },
    {
      id: 'callout',
      icon: 'i',
      title: 'Callout',
      hint: 'Highlighted note',
      keywords: 'note tip warning info',
      run: (e, r) => block(e, r).setCallout('note').run(),
    },
    { id: 'divider', icon: '—', title: 'Divider', keywords: 'hr rule line', run: (e, r) => block(e, r).setHorizontalRule().run() },
    {
      id: 'link',
      icon: '↗',
      title: 'Link',
      shortcut: shortcut('Mod+K'),
      keywords: 'url href',
      run: (e, r) => {
        block(e, r).run();
        openLinkEntry(e);
      },
    },
    {
      id: 'mention',
      icon: '@',
      title: 'Mention a person',
      hint: 'Notifies them',
      keywords: 'user people',
      run: (e, r) => block(e, r).insertContent('@').run(),
    },
    {
      id: 'doc',
      icon: '[[',
      title: 'Link to a document',
      hint: 'Type [[',
      keywords: 'page wiki',
      run: (e, r) => block(e, r).insertContent('[[').run(),
    },
    { id: 'image', icon: 'img', title: 'Image', hint: 'Upload from your computer', keywords: 'picture photo', run: upload('image/*') },
    { id: 'file', icon: '+', title: 'File', hint: 'Attach to this document', keywords: 'attachment upload', run: upload() },
  ];
}

export const SlashCommand = Extension.create<SlashCommandOptions>({
  name: 'slashCommand',
  addOptions: () => ({ documentId: '' }),
  addProseMirrorPlugins() {
    const all = items(this.options.documentId);
    return [
      Suggestion<MenuItem, MenuItem>({
        editor: this.editor,
        pluginKey: new PluginKey('slashCommand'),
        char: '/',
        allowSpaces: false,
        items: ({ query }) => {
          const q = query.toLowerCase();
          return all.filter((i) => !q || i.title.toLowerCase().includes(q) || i.keywords.includes(q)).slice(0, 20);
        },
        command: ({ editor, range, props }) => (props as SlashItem).run(editor, range),
        render: suggestionPopup('Insert block', 'No block matches'),
      }),
    ];
  },
});
