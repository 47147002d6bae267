// Realtime socket (issue 4): idle authenticated sockets per process and their memory (S1).
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr } from 'msgpackr';
import { runGenerator } from '../lib/generator.mjs';
import { openIdleFleet } from '../lib/idle-fleet.mjs';
import { scrape } from '../lib/metrics.mjs';
import { rssBytes } from '../lib/proc.mjs';
import { flags, fmt, table, waits } from '../lib/report.mjs';
import { startAnchor, startTandem } from '../lib/servers.mjs';
import { createDocument, createWorkspaceWithMembers } from '../lib/tandem-world.mjs';

export const packr = new Packr({ useRecords: false, mapsAsObjects: true });

async function holdIdle({ pid, port, paths, firstFrame, holdMs, metricsUrl }) {
  await sleep(2000);
  const before = rssBytes(pid);
  const fleet = await openIdleFleet({ port, paths, firstFrame, perProcess: 5000 });
  if (metricsUrl) await scrape(metricsUrl);
  await sleep(holdMs);
  const eld = metricsUrl ? (await scrape(metricsUrl)).eventLoopP99Ms : Number.NaN;
  const after = rssBytes(pid);
  // The caller closes the fleet after measuring, so its counts include sockets dropped during the hold.
  return { before, after, eld, ...fleet.ready, fleetProcesses: fleet.processes, final: null, fleet };
}

export const realtimeScenarios = {
  'idle-sockets': {
    title: 'S1 — idle authenticated sockets per process (issue 4)',
    goal: '19k idle authenticated sockets per process at ≤ 8 KB RSS each; event-loop delay p99 < 20 ms.',
    async run({ log, quick }) {
      const count = quick ? 4000 : 19_000;
      const holdMs = quick ? 5000 : 15_000;
      const results = [];

      log(`bare ws: ${count} sockets`);
      const bare = await startAnchor('bare-ws');
      try {
        const r = await holdIdle({ pid: bare.pid, port: bare.port, paths: Array(count).fill('/'), holdMs });
        r.final = await r.fleet.close();
        results.push({ name: 'bare `ws` 8.22 server (no auth, no state)', ...r });
      } finally {
        await bare.stop();
      }

      const users = 100;
      const server = await startTandem({ env: { WS_MAX_SOCKETS_PER_USER: String(Math.ceil(count / users) + 10) } });
      try {
        log(`tandem: ${users} users, ${count} sockets, each subscribed to the workspace room`);
        const world = await createWorkspaceWithMembers(server.url, users, 'viewer');
        const paths = Array.from({ length: count }, (_, i) => `/ws?token=${encodeURIComponent(world.users[i % users].token)}`);
        const firstFrame = packr.pack({ t: 'sub', room: `workspace:${world.workspaceId}` });
        const r = await holdIdle({ pid: server.pid, port: server.port, paths, firstFrame, holdMs, metricsUrl: server.url });
        r.final = await r.fleet.close();
        results.push({ name: 'Tandem /ws (token auth, workspace room joined)', ...r });
      } finally {
        await server.stop();
      }

      const rows = results.map((r) => [
        r.name,
        `${r.open} of ${count} (${r.failed} refused${r.lastError ? `: ${r.lastError.slice(0, 80)}` : ''})`,
        `${fmt.mb(r.before)} → ${fmt.mb(r.after)}`,
        r.open > 0 ? `${((r.after - r.before) / r.open / 1024).toFixed(2)} KB` : '–',
        fmt.ms(r.eld),
        String(r.final?.closedByServer ?? '–'),
        `${r.openSeconds.toFixed(1)} s`,
      ]);
      return `Goal: ${this.goal} ${count} sockets opened by ${results[0]?.fleetProcesses ?? '?'} generator processes (each from its own
127.0.0.x, each under the 20,000 open-file limit) at about 1,000 sockets/s per process, then held ${holdMs / 1000} s.
Tandem: ${users} users share the sockets (per-user socket cap raised for the run), every socket authenticates
with an access token at the upgrade and joins its workspace room; "answered" sockets got the server's reply.
RSS per socket = (RSS with the sockets held − RSS before) ÷ sockets open. Event-loop delay p99 is Tandem's own
\`tandem_nodejs_eventloop_lag_p99_seconds\` over the hold.

${table(['server', 'sockets held', 'server RSS', 'RSS per socket', 'event-loop p99 ms', 'closed by server during hold', 'time to open all'], rows)}

Answered (got at least one frame back): ${results.map((r) => `${r.name.split(' ')[0]} ${r.answered}`).join(', ')}.`;
    },
  },
  presence: {
    title: 'S5 — bytes per cursor update and a reconnect storm of 1,000 clients (issue 4)',
    goal: '≤ 40 B on the wire per cursor update; 1,000 clients reconnecting at once all get back in.',
    async run({ log, quick }) {
      const storm = quick ? 300 : 1000;
      const server = await startTandem();
      try {
        const users = 60;
        log(`${users} users, a document room with 10 present, then ${storm} clients reconnecting at once`);
        const world = await createWorkspaceWithMembers(server.url, users, 'editor');
        // A document room where documents exist; the workspace room on builds without them.
        const docId = await createDocument(world.owner, world.workspaceId, 'Presence').catch(() => null);
        const room = docId ? `document:${docId}` : `workspace:${world.workspaceId}`;
        const path = (i) => `/ws?token=${encodeURIComponent(world.users[i % users].token)}`;
        const r = await runGenerator('presence', {
          port: server.port,
          room,
          presencePaths: Array.from({ length: 9 }, (_, i) => path(i)),
          watcherPath: path(9),
          cursorMoves: 40,
          cursorRate: 10,
          stormPaths: Array.from({ length: storm }, (_, i) => path(10 + (i % (users - 10)))),
          serverPids: [server.pid],
        });
        const c = r.cursor;
        const s = r.storm;
        return `Goal: ${this.goal}

**Cursor updates.** In a \`${room.split(':')[0]}:\` room with ${c.presentUsers} users present, one moves the caret ${c.moves} times
(10/s, ${c.compact ? `compact \`{t:"c", r, a, h}\` frames of ${c.upstreamBytesPerMove} B on the wire` : '`{t:"presence", room, state:{viewing, cursor:{anchor, head}}}`'}); another user's socket received
${c.framesReceived} frames, **${c.bytesPerMove.toFixed(1)} bytes on the wire per cursor update** (WebSocket header
included; ${Number.isFinite(c.bytesPerFrame) ? c.bytesPerFrame.toFixed(1) : '–'} B per frame). ${
          c.framesReceived === c.moves ? `Cursor latency p50 / p99: ${fmt.ms(c.latency.p50)} / ${fmt.ms(c.latency.p99)} ms.` : ''
        }
A received frame: \`${JSON.stringify(c.sample?.frame ?? null).slice(0, 300)}\` (${c.sample?.payloadBytes ?? '–'} B payload).

**Reconnect storm.** ${storm} sockets (${users - 10} users) connected and subscribed to the room, dropped at once, then all
reconnected at once (no pacing, no jitter):

${table(
  ['phase', 'subscribed', 'refused', 'all subscribed after', 'connect → subbed p50 / p99 ms', 'server CPU'],
  [
    [
      'first connect',
      `${r.firstConnect.subbed} of ${storm}`,
      `${r.firstConnect.failed}${r.firstConnect.lastError ? ` (${r.firstConnect.lastError})` : ''}`,
      `${fmt.ms(r.firstConnect.allSubbedMs)} ms`,
      `${fmt.ms(r.firstConnect.latency.p50)} / ${fmt.ms(r.firstConnect.latency.p99)}`,
      '',
    ],
    [
      'reconnect storm',
      `${s.subbed} of ${storm}`,
      `${s.failed}${s.lastError ? ` (${s.lastError})` : ''}`,
      `${fmt.ms(s.allSubbedMs)} ms`,
      `${fmt.ms(s.latency.p50)} / ${fmt.ms(s.latency.p99)}`,
      `${fmt.pct(s.serverCpuPct)} (generator ${fmt.pct(s.generatorCpuPct)}; waited for CPU ${waits(s)})${flags(s)}`,
    ],
  ],
)}`;
      } finally {
        await server.stop();
      }
    },
  },
};
