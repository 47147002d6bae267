// The tree's "+" menu: a blank page, or a new page from one of the workspace's templates (each
// template can be deleted from here too). Opens with the first item focused: + then Enter makes
// a blank page; arrows move; Escape or a click elsewhere closes.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { client } from '../../api/session.js';
import { toast } from '../../ui/toast.js';

interface Props {
  wid: string;
  /** The button's accessible name, e.g. "New document" or "New page inside Handbook". */
  label: string;
  title: string;
  onCreate: (templateId: string | null) => void;
}

export function useTemplates(wid: string, enabled = true) {
  return useQuery({
    queryKey: keys.templates(wid),
    queryFn: async () => (await client.documents.templates.list(wid)).items,
    enabled,
  });
}

export function NewDocumentMenu({ wid, label, title, onCreate }: Props) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const qc = useQueryClient();
  const { data: templates = [], isPending, error } = useTemplates(wid, open);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const choose = (templateId: string | null) => {
    setOpen(false);
    onCreate(templateId);
  };
  const remove = async (id: string, name: string) => {
    if (!confirm(`Delete the template "${name}"? Documents made from it stay as they are.`)) return;
    try {
      await client.documents.templates.remove(id);
      await qc.invalidateQueries({ queryKey: keys.templates(wid) });
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      box.current?.querySelector<HTMLElement>('button')?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
      const at = items.indexOf(document.activeElement as HTMLElement);
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };

  return (
    <span className="new-doc" ref={box}>
      <button
        type="button"
        className="icon-button"
        title={title}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        +
      </button>
      {open && (
        <div className="new-doc-menu" role="menu" aria-label={label} ref={menu} onKeyDown={onKeyDown}>
          <button type="button" role="menuitem" onClick={() => choose(null)}>
            Blank page
          </button>
          <div className="new-doc-group" role="presentation">
            New from template
          </div>
          {isPending && <p className="muted">Loading templates…</p>}
          {error && <p className="form-error">{errorMessage(error)}</p>}
          {!isPending && !error && templates.length === 0 && (
            <p className="muted">No templates yet: open a page and choose “Save as template”.</p>
          )}
          {templates.map((t) => (
            <div key={t.id} className="new-doc-template" role="presentation">
              <button type="button" role="menuitem" onClick={() => choose(t.id)}>
                {t.title}
              </button>
              <button
                type="button"
                className="icon-button"
                title="Delete template"
                aria-label={`Delete template ${t.title}`}
                onClick={() => void remove(t.id, t.title)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
      )}
    </span>
  );
}
