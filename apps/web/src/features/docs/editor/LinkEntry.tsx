// The small popover under the selection where a link's address is typed: Apply (or Enter) sets it,
// Remove takes an existing link off, Escape or a click elsewhere closes it and leaves the text as it
// was. Refused addresses (javascript:, data:, …) are explained in place, never applied.
import type { Editor } from '@tiptap/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { applyLink, linkHref, onLinkEntry, removeLink } from './link-entry.js';

const WIDTH = 340;

export function LinkEntry({ editor }: { editor: Editor }) {
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);
  const [value, setValue] = useState('');
  const [existing, setExisting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(
    () =>
      onLinkEntry(editor, () => {
        const c = editor.view.coordsAtPos(editor.state.selection.from);
        const href = (editor.getAttributes('link').href as string | undefined) ?? '';
        setValue(href);
        setExisting(!!href);
        setError(null);
        setAt({ left: Math.max(8, Math.min(c.left, window.innerWidth - WIDTH - 8)), top: c.bottom + 6 });
      }),
    [editor],
  );

  useEffect(() => {
    if (!at) return;
    input.current?.focus();
    input.current?.select();
    // A click anywhere else closes it, as if Escape were pressed (the click goes where it was meant).
    const outside = (e: MouseEvent) => {
      if (form.current && !form.current.contains(e.target as Node)) setAt(null);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [at]);

  if (!at) return null;
  const close = () => {
    setAt(null);
    if (!editor.isDestroyed) editor.commands.focus();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = linkHref(value);
    if ('error' in result) return setError(result.error);
    setAt(null);
    applyLink(editor, result.href);
  };
  return (
    <form
      ref={form}
      className="link-entry"
      role="dialog"
      aria-label="Link"
      style={{ left: at.left, top: at.top, width: WIDTH }}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <div className="row">
        <input
          ref={input}
          aria-label="Link address"
          placeholder="https://example.com or mailto:…"
          value={value}
          aria-invalid={!!error}
          aria-describedby={error ? 'link-entry-error' : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            if (error) setError(null);
          }}
        />
        <button type="submit" className="primary">
          Apply
        </button>
        {existing && (
          <button
            type="button"
            onClick={() => {
              setAt(null);
              removeLink(editor);
            }}
          >
            Remove
          </button>
        )}
      </div>
      {error && (
        <p id="link-entry-error" className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
