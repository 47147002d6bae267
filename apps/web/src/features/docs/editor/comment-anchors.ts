// Where comment threads sit in the text. A thread's anchor is a pair of Yjs relative positions, so
// it follows its words through everyone's edits; here they are turned into ProseMirror positions on
// every change and shown as highlights. When the text is deleted both ends meet: "on deleted text".
import { type Editor, Extension } from '@tiptap/core';
import { type EditorState, Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

export interface Anchor {
  start: string;
  end: string;
}

export interface AnchoredThread {
  id: string;
  anchor: Anchor;
  resolved: boolean;
}

interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding?: { mapping: Map<Y.AbstractType<unknown>, unknown> } | null;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function sync(state: EditorState): SyncState | null {
  const s = ySyncPluginKey.getState(state) as SyncState | undefined;
  return s?.binding ? s : null;
}

/** The current selection as an anchor plus its text, or null when nothing is selected. */
export function selectionAnchor(editor: Editor): { anchor: Anchor; quote: string } | null {
  const { from, to, empty } = editor.state.selection;
  const s = sync(editor.state);
  if (empty || !s?.binding) return null;
  const rel = (pos: number) =>
    toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, s.type, s.binding!.mapping as never)));
  const quote = editor.state.doc.textBetween(from, to, ' ').trim();
  if (!quote) return null;
  return { anchor: { start: rel(from), end: rel(to) }, quote: quote.slice(0, 2000) };
}

/** The anchor's range in the current text; null when its text is gone. */
export function resolveAnchor(state: EditorState, anchor: Anchor): { from: number; to: number } | null {
  const s = sync(state);
  if (!s?.binding) return null;
  try {
    const abs = (enc: string) =>
      relativePositionToAbsolutePosition(s.doc, s.type, Y.decodeRelativePosition(fromBase64(enc)), s.binding!.mapping as never);
    const from = abs(anchor.start);
    const to = abs(anchor.end);
    if (from === null || to === null || to <= from) return null;
    return { from, to };
  } catch {
    return null;
  }
}

const key = new PluginKey<{ threads: AnchoredThread[]; active: string | null }>('commentAnchors');

/** Tells the editor which threads to highlight (and which one is focused). */
export function showThreads(editor: Editor, threads: AnchoredThread[], active: string | null) {
  editor.view.dispatch(editor.state.tr.setMeta(key, { threads, active }));
}

export const CommentAnchors = Extension.create({
  name: 'commentAnchors',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key,
        state: {
          init: () => ({ threads: [] as AnchoredThread[], active: null as string | null }),
          apply: (tr, value) => (tr.getMeta(key) as typeof value | undefined) ?? value,
        },
        props: {
          decorations: (state) => {
            const { threads, active } = key.getState(state) ?? { threads: [], active: null };
            const decorations: Decoration[] = [];
            for (const t of threads) {
              if (t.resolved) continue;
              const range = resolveAnchor(state, t.anchor);
              if (!range) continue;
              decorations.push(
                Decoration.inline(range.from, range.to, {
                  class: t.id === active ? 'comment-anchor active' : 'comment-anchor',
                  'data-thread-id': t.id,
                }),
              );
            }
            return DecorationSet.create(state.doc, decorations);
          },
        },
      }),
    ];
  },
});
