// The relevance table: a fixed corpus, 20 queries, the item each must find first.
import type { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { RELEVANCE_CORPUS, RELEVANCE_QUERIES } from './relevance-corpus.js';

let server: TestServer;
let owner: TandemClient;
let workspaceId: string;
beforeAll(async () => {
  server = await startTestServer();
  owner = await server.user('owner');
  workspaceId = (await owner.workspaces.create({ name: 'Relevance' })).id;
  const project = await owner.tracking.projects.create(workspaceId, { name: 'Corpus', key: 'REL' });
  for (const item of RELEVANCE_CORPUS) await owner.tracking.tasks.create(project.id, { title: item.title, description: item.body });
});
afterAll(() => server?.close());

describe('search relevance (PostgreSQL engine)', () => {
  it.each(RELEVANCE_QUERIES)('"$q" finds "$expect" first ($why)', async ({ q, expect: title }) => {
    const { items } = await owner.search.query({ q, workspaceId });
    expect(items[0]?.title).toBe(title);
  });
});
