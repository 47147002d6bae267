// Audit entries in words: a label per action, what changed, and what it was done to.
import type { AuditEntryView } from '@tandem/protocol';
import type { AuditAction } from '@tandem/protocol/audit-actions';

export const ACTION_LABELS: Record<AuditAction, string> = {
  'member.added': 'Member joined',
  'member.removed': 'Member removed',
  'member.role_changed': 'Role changed',
  'project.override_set': 'Project role set',
  'project.override_cleared': 'Project role cleared',
  'document.shared': 'Document shared',
  'document.unshared': 'Share removed',
  'project.deleted': 'Project deleted',
  'document.deleted': 'Document deleted',
  'workspace.deleted': 'Workspace deleted',
  'webhook.created': 'Webhook added',
  'webhook.deleted': 'Webhook removed',
};

const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));

/** The person, document, project or webhook the entry is about, by the name it had then. */
export function targetName(e: AuditEntryView): string {
  const d = e.details;
  switch (e.targetType) {
    case 'user':
      return str(d.displayName) || str(d.email) || e.targetId;
    case 'document':
      return str(d.title) || 'Untitled document';
    case 'project':
      return d.key ? `${str(d.name)} (${str(d.key)})` : str(d.name) || e.targetId;
    case 'webhook':
      return str(d.url) || e.targetId;
    case 'workspace':
      return str(d.name) || e.targetId;
  }
}

/** What changed, in a short phrase. */
export function changeText(e: AuditEntryView): string {
  const d = e.details;
  const person = str(d.displayName) || str(d.email);
  switch (e.action) {
    case 'member.added':
      return `joined as ${str(d.role)}`;
    case 'member.removed':
      return d.left ? `left (was ${str(d.role)})` : `removed (was ${str(d.role)})`;
    case 'member.role_changed':
      return `${str(d.from)} → ${str(d.to)}`;
    case 'project.override_set':
      return `${str(d.to)} in ${str(d.projectName)}${d.from ? ` (was ${str(d.from)})` : ''}`;
    case 'project.override_cleared':
      return `back to their workspace role in ${str(d.projectName)} (was ${str(d.from)})`;
    case 'document.shared':
      return d.from ? `${person}: ${str(d.from)} → ${str(d.to)}` : `with ${person} as ${str(d.to)}`;
    case 'document.unshared':
      return `no longer shared with ${person} (was ${str(d.from)})`;
    case 'document.deleted':
      return d.permanent ? 'deleted for good' : 'moved to the trash';
    case 'webhook.created':
    case 'webhook.deleted':
      if (!Array.isArray(d.events)) return '';
      return d.events.includes('*') ? 'every event' : d.events.join(', ');
    case 'project.deleted':
    case 'workspace.deleted':
      return 'with everything in it';
  }
}
