// A workspace with one member of each role and a project, for the tracking tests.
import { ApiError, type TandemClient } from '@tandem/client';
import type { ProjectView, StatusView } from '@tandem/protocol';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

export type UserClient = TandemClient & { userId: string; email: string; displayName: string };

export interface Team {
  owner: UserClient;
  editor: UserClient;
  viewer: UserClient;
  outsider: UserClient;
  workspaceId: string;
  project: ProjectView;
  statuses: StatusView[];
}

let keys = 0;

/** A fresh project key, unique per test file run. */
export function nextKey(prefix = 'P'): string {
  keys++;
  return `${prefix}${keys}`.toUpperCase();
}

export async function team(server: TestServer): Promise<Team> {
  const [owner, editor, viewer, outsider] = await Promise.all([
    server.user('owner'),
    server.user('editor'),
    server.user('viewer'),
    server.user('outsider'),
  ]);
  const ws = await owner.workspaces.create({ name: 'Acme' });
  await addMember(owner, ws.id, editor, 'editor');
  await addMember(owner, ws.id, viewer, 'viewer');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Website', key: nextKey('WEB') });
  const statuses = (await owner.tracking.statuses.list(project.id)).items;
  return { owner, editor, viewer, outsider, workspaceId: ws.id, project, statuses };
}

/** The HTTP status (and code) a call answers with: 200 for success. */
export async function outcome(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

export async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Polls until `check` returns a value (bounded), for things that happen after the response. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what = 'condition'): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
