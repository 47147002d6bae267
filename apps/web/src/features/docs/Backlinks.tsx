// "Mentioned in": the documents whose text links to this document or refers to this task, as the
// server's indexer last read them (a few seconds after an edit). A `backlinks.changed` event on the
// document's or task's room refetches the list (see realtime/live.ts).
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { client } from '../../api/session.js';
import { Link, paths } from '../../app/router.js';

export function Backlinks({ target }: { target: { documentId: string } | { taskId: string } }) {
  const [kind, id] = 'taskId' in target ? (['task', target.taskId] as const) : (['document', target.documentId] as const);
  const { data, error, isPending } = useQuery({
    queryKey: keys.backlinks(kind, id),
    queryFn: () => (kind === 'task' ? client.search.taskBacklinks(id) : client.search.documentBacklinks(id)),
  });
  const items = data?.items ?? [];
  return (
    <section className="backlinks" aria-label="Mentioned in">
      <h3>Mentioned in {items.length > 0 && <span className="muted">{items.length}</span>}</h3>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {!isPending && !error && items.length === 0 && <p className="muted">No document links here yet.</p>}
      {items.length > 0 && (
        <ul>
          {items.map((b) => (
            <li key={b.documentId}>
              <Link to={paths.doc(b.workspaceId, b.documentId)}>{b.title || 'Untitled'}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
