// Every change to a task, newest first, with who made it: fields, moves, comments, checklist.
// Kept live by the task's events (realtime/live.ts invalidates it).

import type { ActivityView } from '@tandem/protocol';
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/keys.js';
import { useChecklist, useLabels, useMembers, useSprints } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import type { StatusView } from '../../api/types.js';
import { Avatar } from '../../ui/Avatar.js';

const SHOWN = 50;

type Change = { from?: unknown; to?: unknown };

export function ActivityTimeline({ wid, pid, taskId, statuses }: { wid: string; pid: string; taskId: string; statuses: StatusView[] }) {
  const {
    data: events,
    isPending,
    error,
  } = useQuery({
    queryKey: keys.activity(taskId),
    queryFn: () => api.tasks.activity(taskId, SHOWN),
  });
  const { data: members = [] } = useMembers(wid);
  const { data: sprints = [] } = useSprints(pid);
  const { data: labels = [] } = useLabels(wid);
  const { data: checklist = [] } = useChecklist(taskId);
  const person = (id: string | null | undefined) => members.find((m) => m.userId === id)?.displayName ?? (id ? 'Someone' : 'Tandem');
  const names = {
    status: (id: unknown) => statuses.find((s) => s.id === id)?.name ?? 'another status',
    sprint: (id: unknown) => (id ? (sprints.find((s) => s.id === id)?.name ?? 'a sprint') : 'the backlog'),
    label: (id: unknown) => labels.find((l) => l.id === id)?.name ?? 'a label',
    item: (changes: Record<string, unknown>) => {
      const text = (changes.text as Change | string | undefined) ?? checklist.find((i) => i.id === changes.itemId)?.text;
      return typeof text === 'string' ? `“${text}”` : text?.to ? `“${String(text.to)}”` : 'an item';
    },
  };

  const describe = (a: ActivityView): string[] => {
    const c = a.changes ?? {};
    const field = (key: string) => c[key] as Change | undefined;
    switch (a.action) {
      case 'task.created':
        return ['created the task'];
      case 'task.moved':
        return field('status') ? [`moved it to ${names.status(field('status')?.to)}`] : ['reordered it in its column'];
      case 'task.deleted':
        return ['deleted the task'];
      case 'comment.created':
        return ['commented'];
      case 'comment.updated':
        return ['edited a comment'];
      case 'comment.deleted':
        return ['deleted a comment'];
      case 'checklist.added':
        return [`added ${names.item(c)} to the checklist`];
      case 'checklist.removed':
        return [`removed ${names.item(c)} from the checklist`];
      case 'checklist.moved':
        return ['reordered the checklist'];
      case 'checklist.updated': {
        const done = field('done');
        const text = field('text');
        const out: string[] = [];
        if (text) out.push(`renamed a checklist item to “${String(text.to)}”`);
        if (done) out.push(`${done.to ? 'ticked' : 'unticked'} ${names.item(c)}`);
        return out.length ? out : ['changed the checklist'];
      }
      case 'task.updated':
        return Object.entries(c).map(([key, v]) => fieldSentence(key, v as Change, names, person));
      default:
        return [a.action.replace('.', ' ')];
    }
  };

  return (
    <section className="activity" aria-label="Activity">
      <h3>Activity</h3>
      {isPending && <p className="muted">Loading activity…</p>}
      {error && <p className="muted">The activity could not be loaded.</p>}
      <ol className="timeline">
        {(events ?? []).map((a) => (
          <li key={a.id} className="timeline-entry">
            <Avatar id={a.actorId ?? 'tandem'} name={person(a.actorId)} size={20} />
            <div>
              <strong>{person(a.actorId)}</strong> {describe(a).join(', ')}
              <time className="muted" dateTime={a.createdAt} title={new Date(a.createdAt).toLocaleString()}>
                {' · '}
                {ago(a.createdAt)}
              </time>
            </div>
          </li>
        ))}
      </ol>
      {events && events.length === SHOWN && <p className="muted">Showing the latest {SHOWN} changes.</p>}
    </section>
  );
}

function fieldSentence(
  key: string,
  v: Change,
  names: { status: (id: unknown) => string; sprint: (id: unknown) => string; label: (id: unknown) => string },
  person: (id: string | null) => string,
): string {
  const quoted = (x: unknown) => `“${String(x)}”`;
  switch (key) {
    case 'title':
      return `renamed it from ${quoted(v.from)} to ${quoted(v.to)}`;
    case 'description':
      return 'edited the description';
    case 'status':
      return `moved it to ${names.status(v.to)}`;
    case 'priority':
      return `set the priority to ${String(v.to)}`;
    case 'assigneeId':
      return v.to ? `assigned it to ${person(v.to as string)}` : 'unassigned it';
    case 'sprintId':
      return `moved it to ${names.sprint(v.to)}`;
    case 'dueDate':
      return v.to ? `set the due date to ${String(v.to)}` : 'removed the due date';
    case 'labelIds': {
      const from = (v.from as string[] | null) ?? [];
      const to = (v.to as string[] | null) ?? [];
      const added = to.filter((l) => !from.includes(l)).map(names.label);
      const removed = from.filter((l) => !to.includes(l)).map(names.label);
      return [
        added.length ? `added the label${added.length > 1 ? 's' : ''} ${added.join(', ')}` : '',
        removed.length ? `removed ${removed.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
    }
    case 'archived':
      return v.to ? 'archived it' : 'unarchived it';
    case 'parentId':
      return v.to ? 'made it a subtask' : 'made it a top-level task';
    case 'estimate':
      return v.to === null ? 'removed the estimate' : `estimated it at ${String(v.to)}`;
    case 'type':
      return `made it a ${String(v.to)}`;
    default:
      return `changed ${key}`;
  }
}

function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}
