// The collaborative servers a room benchmark runs against, behind one shape: start it, get a fresh
// room with N editor endpoints and observer URLs, stop it. Tandem runs with auth, authorization,
// its durable update log and Redis on; the anchors run bare, as their own packages ship.
import { randomBytes } from 'node:crypto';
import { REDIS_URL, startAnchor, startTandem } from './servers.mjs';
import { createDocument, createWorkspaceWithMembers } from './tandem-world.mjs';

export const ANCHOR_VERSIONS = {
  'y-websocket': '@y/websocket-server 0.1.1',
  hocuspocus: '@hocuspocus/server 3.4.4',
  'relay-floor': 'floor: bare `ws` relay, no document',
};

export async function openTarget(kind, { maxClients }) {
  if (kind === 'tandem') return openTandem(maxClients);
  const server = await startAnchor(kind);
  return {
    name: ANCHOR_VERSIONS[kind],
    kind,
    pids: [server.pid],
    async room(editors, observers) {
      const docName = `bench-${randomBytes(4).toString('hex')}`;
      const path = kind === 'hocuspocus' ? '/' : `/${docName}`;
      return {
        wire: kind,
        docName,
        editors: Array.from({ length: editors }, () => ({ port: server.port, path })),
        observers: Array.from({ length: observers }, () => ({ url: `ws://127.0.0.1:${server.port}${path}` })),
      };
    },
    stop: () => server.stop(),
  };
}

/** One or more Tandem nodes sharing a database and Redis; clients are spread over the nodes in turn. */
export async function openTandem(maxClients, { nodes = 1, nodeArgs = [], env = {} } = {}) {
  const shared = { secret: randomBytes(32).toString('hex'), channelPrefix: `bench-${randomBytes(4).toString('hex')}:`, nodeArgs, env };
  const first = await startTandem(shared);
  const rest = [];
  for (let i = 1; i < nodes; i++) rest.push(await startTandem({ ...shared, database: first.database }));
  const all = [first, ...rest];
  const world = await createWorkspaceWithMembers(first.url, maxClients, 'editor');
  return {
    name: nodes > 1 ? `Tandem (${nodes} nodes, Redis)` : 'Tandem',
    kind: 'tandem',
    pids: all.map((n) => n.pid),
    nodes: all,
    redis: REDIS_URL,
    async room(editors, observers) {
      const docId = await createDocument(world.owner, world.workspaceId);
      const at = (i) => all[i % all.length];
      const path = (i) => `/collab/${docId}?token=${encodeURIComponent(world.users[i].token)}`;
      return {
        wire: 'y-websocket',
        docName: docId,
        editors: Array.from({ length: editors }, (_, i) => ({ port: at(i).port, path: path(i) })),
        observers: Array.from({ length: observers }, (_, j) => ({ url: `ws://127.0.0.1:${at(j).port}${path(editors + j)}` })),
      };
    },
    async stop() {
      for (const n of rest) await n.stop({ keepDatabase: true });
      await first.stop();
    },
  };
}
