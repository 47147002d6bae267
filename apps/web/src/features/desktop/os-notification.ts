// Which live notifications become OS notifications in the desktop app (mentions and assignments),
// what they say, and the in-app path a click opens.
import type { NotificationView } from '../../api/types.js';
import { paths } from '../../app/routes.js';

const NOTIFY = new Set(['mentioned', 'assigned']);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

export function osNotification(n: Partial<NotificationView> | null | undefined): { title: string; body: string; path: string } | null {
  if (!n?.type || !NOTIFY.has(n.type) || !n.workspaceId || !n.taskId) return null;
  const d = n.data ?? {};
  const task = [str(d.taskKey), str(d.title)].filter(Boolean).join(' ') || 'a task';
  const who = str(d.actorName) ?? 'Someone';
  return {
    title: n.type === 'mentioned' ? `${who} mentioned you` : `${who} assigned you a task`,
    body: task,
    path: paths.taskById(n.workspaceId, n.taskId),
  };
}
