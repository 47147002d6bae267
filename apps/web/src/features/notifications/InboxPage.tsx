// Notifications: mentions, assignments, comments and status changes on watched tasks. Opening one
// marks it read and goes to what it is about.
import { errorMessage } from '../../api/errors.js';
import { useTandemMutation } from '../../api/mutations.js';
import { useMembers, useNotifications, useWorkspaces } from '../../api/queries.js';
import type { NotificationView } from '../../api/types.js';
import { navigate, paths } from '../../app/router.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** One line saying what happened, from the notification's type and data. */
export function describe(n: NotificationView, actorName: string, workspaceName?: string): string {
  const d = n.data ?? {};
  const task = [str(d.taskKey), str(d.title)].filter(Boolean).join(' ');
  const what = task || str(d.documentTitle) || 'a task';
  switch (n.type) {
    case 'mentioned':
      return `${actorName} mentioned you in ${what}`;
    case 'assigned':
      return `${actorName} assigned you ${what}`;
    case 'commented':
      return `${actorName} commented on ${what}`;
    case 'status_changed':
      return `${actorName} moved ${what}${str(d.to) ? ` to ${str(d.to)}` : ''}`;
    case 'added_to_workspace':
      return `${actorName} added you to ${workspaceName ?? 'a workspace'}${str(d.role) ? ` as ${str(d.role)}` : ''}`;
    default:
      return `${actorName}: ${n.type.replace(/[._]/g, ' ')}${task ? ` · ${task}` : ''}`;
  }
}

function target(n: NotificationView, wid: string): string | null {
  const w = n.workspaceId ?? wid;
  if (n.taskId) return paths.taskById(w, n.taskId);
  if (n.documentId) return paths.doc(w, n.documentId);
  if (n.type === 'added_to_workspace') return paths.workspace(w);
  return null;
}

export function InboxPage({ wid }: { wid: string }) {
  const { data: items = [], isPending, error } = useNotifications();
  const { data: members = [] } = useMembers(wid);
  const { data: workspaces = [] } = useWorkspaces();
  const readAll = useTandemMutation('notification.readAll');
  const unread = items.filter((n) => !n.readAt).length;
  const nameOf = (n: NotificationView) => members.find((m) => m.userId === n.actorId)?.displayName ?? n.actorName ?? 'Someone';
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
      <InboxList items={items} wid={wid} nameOf={nameOf} workspaceName={(id) => workspaces.find((w) => w.id === id)?.name} />
    </section>
  );
}

/** Notifications, newest first: opening one marks it read and goes to what it is about. */
export function InboxList({
  items,
  wid,
  nameOf = (n) => n.actorName ?? 'Someone',
  workspaceName = () => undefined,
}: {
  items: NotificationView[];
  wid?: string;
  nameOf?: (n: NotificationView) => string;
  workspaceName?: (id: string | null | undefined) => string | undefined;
}) {
  const read = useTandemMutation('notification.read');
  return (
    <ul className="inbox">
      {items.map((n) => {
        const to = target(n, wid ?? n.workspaceId ?? '');
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
              <span className="inbox-text">{describe(n, nameOf(n), workspaceName(n.workspaceId))}</span>
              <time className="muted" dateTime={n.createdAt}>
                {new Date(n.createdAt).toLocaleString()}
              </time>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * For someone in no workspace who reads pages shared with them: what they were told about (a
 * mention in a shared page), on their start page; nothing when there is nothing.
 */
export function SharedInbox() {
  const { data: items = [] } = useNotifications();
  if (items.length === 0) return null;
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <section className="shared-inbox" aria-label="Inbox">
      <h2>
        Inbox <span className="muted">{unread ? `${unread} unread` : 'All caught up'}</span>
      </h2>
      <InboxList items={items} />
    </section>
  );
}
