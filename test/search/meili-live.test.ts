// The Meilisearch engine against a real Meilisearch server. vitest.config.ts includes this file only
// where MEILI_URL is set (the server cannot be installed on the build machines; meili.test.ts tests
// the engine with a client standing in for it).
import { describe, it } from 'vitest';
import { waitFor } from '../collab/helpers.js';
import { startTestServer } from '../support/server.js';

const MEILI_URL = process.env.MEILI_URL;
describe('Meilisearch engine against a real server (MEILI_URL)', () => {
  it('finds a task through Meilisearch once the outbox has pushed it', async () => {
    const server = await startTestServer({ MEILI_URL: MEILI_URL!, ...(process.env.MEILI_KEY ? { MEILI_KEY: process.env.MEILI_KEY } : {}) });
    try {
      const owner = await server.user('owner');
      const ws = await owner.workspaces.create({ name: 'Meili' });
      const project = await owner.tracking.projects.create(ws.id, { name: 'Ops', key: 'MEI' });
      await owner.tracking.tasks.create(project.id, { title: 'Quokka deployment' });
      await waitFor(
        async () => {
          const res = await owner.search.query({ q: 'quokka', workspaceId: ws.id });
          return res.engine === 'meilisearch' && res.items.length === 1;
        },
        'task pushed to Meilisearch',
        30_000,
      );
    } finally {
      await server.close();
    }
  });
});
