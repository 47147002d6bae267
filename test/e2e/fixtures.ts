// Shared set-up for the browser tests of the tracker.
import type { Page } from 'playwright-core';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

/** An owner and an editor sharing a workspace with one project holding two tasks in "To Do". */
export async function launchTeam(server: TestServer) {
  const owner = await server.user('owner');
  const editor = await server.user('editor');
  const ws = await owner.workspaces.create({ name: 'Launch' });
  await addMember(owner, ws.id, editor, 'editor');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Website', key: 'WEB' });
  const statuses = (await owner.tracking.statuses.list(project.id)).items;
  const todo = statuses.find((s) => s.name === 'To Do')!;
  const first = await owner.tracking.tasks.create(project.id, { title: 'Write the landing copy', status: todo.id });
  const second = await owner.tracking.tasks.create(project.id, { title: 'Pick a hero image', status: todo.id });
  return { owner, editor, ws, project, statuses, todo, first, second };
}

/** A task's card in a board column. */
export const card = (page: Page, column: string, taskId: string) =>
  page.locator(`section.column[data-status="${column}"] [data-task-id="${taskId}"]`);
