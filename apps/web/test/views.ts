// Complete response values for the web's logic tests: the server's shapes (@tandem/protocol), with
// what a test does not care about filled in and what it does given as overrides.
import type { DocumentView, SprintView, StatusView, TaskView } from '../src/api/types.js';

const AT = '2026-01-01T00:00:00.000Z';

export const taskView = (t: Pick<TaskView, 'id' | 'status' | 'rank'> & Partial<TaskView>): TaskView => ({
  key: `T-${t.id}`,
  number: 1,
  projectId: 'p',
  title: t.id,
  description: '',
  type: 'task',
  priority: 'none',
  assigneeId: null,
  reporterId: 'u',
  parentId: null,
  sprintId: null,
  dueDate: null,
  estimate: null,
  version: 1,
  labels: [],
  checklist: { done: 0, total: 0 },
  archived: false,
  createdAt: AT,
  updatedAt: AT,
  ...t,
});

export const statusView = (s: Pick<StatusView, 'id' | 'name'> & Partial<StatusView>): StatusView => ({
  projectId: 'p',
  category: 'todo',
  position: 0,
  ...s,
});

export const sprintView = (s: Pick<SprintView, 'id'> & Partial<SprintView>): SprintView => ({
  projectId: 'p',
  name: s.id,
  goal: '',
  state: 'planned',
  startDate: null,
  endDate: null,
  startedAt: null,
  completedAt: null,
  createdAt: AT,
  ...s,
});

export const documentView = (d: Pick<DocumentView, 'id' | 'parentId'> & Partial<DocumentView>): DocumentView => ({
  workspaceId: 'w',
  projectId: null,
  title: d.id,
  rank: 'i',
  createdById: 'u',
  createdAt: AT,
  updatedAt: AT,
  contentAt: null,
  deletedAt: null,
  ...d,
});
