// Notifications: mentions, assignments, comments on watched tasks. Opening one marks it read.

import { errorMessage } from '../../api/errors.js';
import { useTandemMutation } from '../../api/mutations.js';
import { useNotifications } from '../../api/queries.js';
import type { NotificationView } from '../../api/types.js';
import { navigate, paths } from '../../app/router.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function describe(n: NotificationView): string {
  if (n.title) return n.title;
  const d = n.data ?? {};
  const who = n.actor?.displayName ?? str(d.actorName) ?? 'Someone';
  const what = str(d.taskKey) ?? str(d.taskTitle) ?? str(d.title) ?? str(d.documentTitle) ?? '';
  switch (n.type) {
    case 'mention':
    case 'comment.mention':
      return `${who} mentioned you${what ? ` in ${what}` : ''}`;
    case 'task.assigned':
      return `${who} assigned you ${what || 'a task'}`;
    case 'comment.created':
      return `${who} commented${what ? ` on ${what}` : ''}`;
    case 'member.added':
    case 'workspace.member_added':
      return `${who} added you to ${str(d.workspaceName) ?? 'a workspace'}`;
    default:
      return `${who}: ${n.type.replace(/[._]/g, ' ')}${what ? ` · ${what}` : ''}`;
  }
}

function target(n: NotificationView, wid: string): string | null {
  const d = n.data ?? {};
  const w = n.workspaceId ?? str(d.workspaceId) ?? wid;
  if (str(d.taskId) && str(d.projectId)) return paths.task(w, str(d.projectId)!, str(d.taskId)!);
  if (str(d.documentId)) return paths.doc(w, str(d.documentId)!);
  return null;
}

export function InboxPage({ wid }: { wid: string }) {
  const { data: items = [], isPending, error } = useNotifications();
  const read = useTandemMutation('notification.read');
  const readAll = useTandemMutation('notification.readAll');
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <section className="page">
      <header className="page-header">
        <h1>Inbox</h1>
        <span className="muted">{unread ? `${unread} unread` : 'All caught up'}</span>
        <span className="spacer" />
        <button type="button" disabled={!unread} onClick={() => readAll.mutate({})}>
          Mark all as read
        </button>
      </header>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {isPending && <p className="muted">Loading…</p>}
      {!isPending && items.length === 0 && <p className="muted">Nothing here yet. Mentions and assignments show up here.</p>}
      <ul className="inbox">
        {items.map((n) => {
          const to = target(n, wid);
          return (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
              <button
                type="button"
                className="inbox-item"
                onClick={() => {
                  if (!n.readAt) read.mutate({ id: n.id });
                  if (to) navigate(to);
                }}
              >
                {!n.readAt && <span className="unread-dot" title="Unread" />}
                <span className="inbox-text">{describe(n)}</span>
                <time className="muted" dateTime={n.createdAt}>
                  {new Date(n.createdAt).toLocaleString()}
                </time>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
