// A reference to a task by its key (`WEB-12`), shown as a chip with the task's title and status.
// The chip's live look is the web client's node view; the stored node holds only the ids.
import { Node } from '@tiptap/core';

export const TaskRef = Node.create({
  name: 'taskRef',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return {
      taskId: { default: null, parseHTML: (el) => el.getAttribute('data-task-id'), renderHTML: (a) => ({ 'data-task-id': a.taskId }) },
      taskKey: {
        default: '',
        parseHTML: (el) => el.getAttribute('data-task-key') ?? el.textContent,
        renderHTML: (a) => ({ 'data-task-key': a.taskKey }),
      },
    };
  },
  parseHTML() {
    return [{ tag: 'span[data-type="task-ref"]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return ['span', { ...HTMLAttributes, 'data-type': 'task-ref', class: 'task-ref' }, String(node.attrs.taskKey ?? '')];
  },
  renderText: ({ node }) => String(node.attrs.taskKey ?? ''),
  renderMarkdown: (node) => String(node.attrs?.taskKey ?? ''),
});
