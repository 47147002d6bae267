// Shown while the cursor is in a table: rows, columns, header row, delete. Columns resize by
// dragging their right edge.
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';

export function TableToolbar({ editor }: { editor: Editor }) {
  const inTable = useEditorState({ editor, selector: ({ editor: e }) => e.isEditable && e.isActive('table') });
  if (!inTable) return null;
  const act = (label: string, run: () => boolean) => (
    <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => run()}>
      {label}
    </button>
  );
  const c = () => editor.chain().focus();
  return (
    <div className="table-toolbar" role="toolbar" aria-label="Table">
      {act('+ Row above', () => c().addRowBefore().run())}
      {act('+ Row below', () => c().addRowAfter().run())}
      {act('− Row', () => c().deleteRow().run())}
      <span className="bubble-sep" />
      {act('+ Column left', () => c().addColumnBefore().run())}
      {act('+ Column right', () => c().addColumnAfter().run())}
      {act('− Column', () => c().deleteColumn().run())}
      <span className="bubble-sep" />
      {act('Header row', () => c().toggleHeaderRow().run())}
      {act('Delete table', () => c().deleteTable().run())}
    </div>
  );
}
