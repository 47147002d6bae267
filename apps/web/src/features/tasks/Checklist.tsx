import { type FormEvent, useState } from 'react';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useChecklist } from '../../api/queries.js';

export function Checklist({ taskId }: { taskId: string }) {
  const { data: items = [] } = useChecklist(taskId);
  const add = useTandemMutation('checklist.add');
  const update = useTandemMutation('checklist.update');
  const remove = useTandemMutation('checklist.remove');
  const [text, setText] = useState('');
  // A tick shows within the click that made it: the cache's own optimistic update lands a moment
  // later, and a controlled checkbox would flick back in between. Dropped once the write settles.
  const [ticking, setTicking] = useState<ReadonlyMap<string, boolean>>(new Map());
  const shown = (item: { id: string; done: boolean }) => ticking.get(item.id) ?? item.done;
  const tick = (itemId: string, done: boolean) => {
    setTicking((m) => new Map(m).set(itemId, done));
    update.mutate(
      { taskId, itemId, done },
      {
        onSettled: () =>
          setTicking((m) => {
            const next = new Map(m);
            next.delete(itemId);
            return next;
          }),
      },
    );
  };
  const done = items.filter(shown).length;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    add.mutate({ taskId, text: text.trim(), tempId: tempId() });
    setText('');
  };
  return (
    <section className="checklist">
      <h3>Checklist {items.length > 0 && <span className="muted">{`${done}/${items.length}`}</span>}</h3>
      {items.length > 0 && <progress max={items.length} value={done} />}
      <ul>
        {items.map((item) => (
          <li key={item.id} className={shown(item) ? 'done' : ''}>
            <label>
              <input
                type="checkbox"
                checked={shown(item)}
                disabled={item.id.startsWith('tmp-')}
                onChange={(e) => tick(item.id, e.target.checked)}
              />
              {item.text}
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete "${item.text}"`}
              onClick={() => remove.mutate({ taskId, itemId: item.id })}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="row">
        <input
          aria-label="New checklist item"
          placeholder="Add an item"
          maxLength={500}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
    </section>
  );
}
