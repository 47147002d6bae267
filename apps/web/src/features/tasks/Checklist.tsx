import { type FormEvent, useState } from 'react';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useChecklist } from '../../api/queries.js';

export function Checklist({ taskId }: { taskId: string }) {
  const { data: items = [] } = useChecklist(taskId);
  const add = useTandemMutation('checklist.add');
  const update = useTandemMutation('checklist.update');
  const remove = useTandemMutation('checklist.remove');
  const [text, setText] = useState('');
  const done = items.filter((i) => i.done).length;
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
          <li key={item.id} className={item.done ? 'done' : ''}>
            <label>
              <input
                type="checkbox"
                checked={item.done}
                disabled={item.id.startsWith('tmp-')}
                onChange={(e) => update.mutate({ taskId, itemId: item.id, done: e.target.checked })}
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
