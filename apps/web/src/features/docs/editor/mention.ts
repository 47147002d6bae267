// `@` mentions a person of the workspace: node `mention` with attr `id` = their user id. The server
// notifies people newly mentioned when it processes the document's text.
import { PersonMention } from '@tandem/editor-schema';
import { PluginKey } from '@tiptap/pm/state';
import type { MenuItem } from './SuggestionMenu.js';
import { suggestionPopup } from './SuggestionMenu.js';

export interface Person {
  id: string;
  name: string;
  email: string;
}

export function mentionExtension(people: () => Person[]) {
  return PersonMention.configure({
    HTMLAttributes: { class: 'mention' },
    suggestion: {
      char: '@',
      pluginKey: new PluginKey('mention'),
      items: ({ query }: { query: string }): MenuItem[] => {
        const q = query.toLowerCase();
        return people()
          .filter((p) => !q || p.name.toLowerCase().includes(q) || p.email.toLowerCase().startsWith(q))
          .slice(0, 8)
          .map((p) => ({ id: p.id, title: p.name, hint: p.email, icon: p.name.slice(0, 1).toUpperCase() }));
      },
      command: ({ editor, range, props }) => {
        const item = props as unknown as MenuItem;
        editor
          .chain()
          .focus()
          .insertContentAt(range, [
            { type: 'mention', attrs: { id: item.id, label: item.title } },
            { type: 'text', text: ' ' },
          ])
          .run();
      },
      render: suggestionPopup('Mention a person', 'Nobody by that name in this workspace') as never,
    },
  });
}
