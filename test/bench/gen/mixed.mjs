// Mixed load (S11), one generator process driving a slice of the simulated people with the SDK's own
// protocols. People i of the slice are, by i % 10: 0 an editor, 1–3 browsing, 4–9 idle.
// - idle: a /ws socket in its user room, its workspace room (joined shallow, as the web client does:
//   the workspace's own events, not every task's) and its project room, with presence on
//   ({viewing:"board"}), answering the server's pings; now and then it looks at another project
//   (unsub, sub, presence, and that board's read: the web client refetches a board it left).
// - browsing: the same socket, plus board and task reads at human pace, following the task events of
//   its project as the web client does: an event carrying the whole task is applied as it is; one
//   that does not (a deletion) refetches the board (at most one in flight and one per 2 s).
// - editing: the same socket, plus task updates, moves, comments and checklist ticks over REST, and
//   typing one keystroke a second into a document through /collab (real Yjs updates, pre-encoded).
// Latency is measured inside this process with one clock: REST from when a request was due; live
// events from the PATCH being sent to a browsing person's socket receiving `task.updated` (titles
// carry a marker); collab from a keystroke being sent to a full Y.Doc observer receiving it.
// Input: JSON config path. Prints `connected {…}`, waits for cfg.goFile, then prints `result {…}`.
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr } from 'msgpackr';
import { latencyHistogram } from '../lib/hist.mjs';
import { openObserver } from '../lib/observer.mjs';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';
import { dialect, prepareTyping } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const frame = (obj) => clientFrame(packr.pack(obj));
const wire = dialect('y-websocket', '');
const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const pick = (list) => list[Math.floor(Math.random() * list.length)];

const IDLE_VIEW_CHANGE_S = [30, 90];
const BROWSE_READ_S = [5, 15];
const EDIT_ACTION_S = [5, 15];
const REFETCH_MIN_MS = 2000;
const KEYSTROKES_PER_S = 1;

const agents = cfg.nodes.map(() => new Agent({ keepAlive: true, maxSockets: 96 }));
const rest = new Map();
const classOf = (name) => {
  let c = rest.get(name);
  if (!c) rest.set(name, (c = { latency: latencyHistogram(), statuses: {} }));
  return c;
};
const live = latencyHistogram();
const collab = latencyHistogram();
const markers = new Map();
const errors = { socketRefused: 0, socketClosed: 0, lastError: '' };
let measuring = false;
let stopping = false;

function call(person, cls, method, path, body) {
  const node = cfg.nodes[person.node];
  const payload = body ? JSON.stringify(body) : undefined;
  const headers = { authorization: `Bearer ${person.token}`, accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  const due = performance.now();
  const counted = measuring;
  return new Promise((resolve) => {
    const done = (status) => {
      if (counted && !stopping) {
        const c = classOf(cls);
        c.latency.record(performance.now() - due);
        c.statuses[status] = (c.statuses[status] ?? 0) + 1;
      }
      resolve(status);
    };
    const req = request({ host: '127.0.0.1', port: node.port, method, path, agent: agents[person.node], headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => done(res.statusCode));
      res.on('error', () => done(0));
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => done(0));
    req.end(payload);
  });
}

// People of this slice.
const people = [];
for (let i = cfg.from; i < cfg.to; i++) {
  const account = cfg.accounts[i % cfg.accounts.length];
  const kind = i % 10 === 0 ? 'edit' : i % 10 <= 3 ? 'browse' : 'idle';
  people.push({
    i,
    kind,
    node: i % cfg.nodes.length,
    token: account.token,
    userId: account.userId,
    // Ten people in a row (one editor, three browsing, six idle) look at the same project.
    project: Math.floor(i / 10) % cfg.projects.length,
    next: 0,
    socket: null,
    refetching: false,
    lastRefetch: 0,
    dirty: false,
  });
}

const wsPath = (p) => `/ws?token=${encodeURIComponent(p.token)}`;
const projectRoom = (p) => `project:${cfg.projects[p.project].id}`;

function onEventFrame(person, payload) {
  // Only browsing people decode what they receive (they follow their rooms); the others count bytes.
  let f;
  try {
    f = packr.unpack(payload);
  } catch {
    return;
  }
  if (f.t !== 'event' || !f.type.startsWith('task.')) return;
  if (f.type === 'task.updated' && typeof f.data?.title === 'string') {
    const m = /^\[(m\d+-\d+)\]/.exec(f.data.title);
    const sentAt = m && markers.get(m[1]);
    if (sentAt > 0) live.record(performance.now() - sentAt);
  }
  const whole = typeof f.data?.rank === 'string' && typeof f.data?.status === 'string' && typeof f.data?.version === 'number';
  if (f.data?.projectId === cfg.projects[person.project].id && (f.type === 'task.deleted' || !whole)) person.dirty = true;
}

async function connect(person) {
  try {
    person.socket = await openRawSocket({
      port: cfg.nodes[person.node].port,
      path: wsPath(person),
      localAddress: cfg.localAddress,
      onMessage: person.kind === 'browse' ? (payload) => onEventFrame(person, payload) : undefined,
      onClose: () => {
        if (!stopping && person.socket) errors.socketClosed++;
      },
    });
  } catch (err) {
    errors.socketRefused++;
    errors.lastError = String(err.message ?? err).slice(0, 160);
    return;
  }
  person.socket.send(frame({ t: 'sub', room: `user:${person.userId}` }));
  person.socket.send(frame({ t: 'sub', room: `workspace:${cfg.workspaceId}`, shallow: true, diff: true }));
  person.socket.send(frame({ t: 'sub', room: projectRoom(person), diff: true }));
  person.socket.send(frame({ t: 'presence', room: projectRoom(person), state: { viewing: 'board' } }));
}

// Editors' typing: one paragraph each, pre-encoded keystrokes.
const editors = people.filter((p) => p.kind === 'edit');
const keystrokes = Math.ceil(((cfg.warmupMs + cfg.measureMs) / 1000) * KEYSTROKES_PER_S) + 10;
const typing = editors.map((_, k) => prepareTyping(cfg.clientIdBase + k, keystrokes));
const ledger = new Map(
  typing.map((t) => [t.clientId, { toClock: t.strokes.map((s) => s.toClock), sentAt: new Float64Array(t.strokes.length) }]),
);
const documentOf = (p) => cfg.documents[Math.floor(p.i / 10) % cfg.documents.length];

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
    await sleep(cfg.connectPauseMs ?? 20);
  }
}

const t0 = performance.now();
await inBatches(people, 25, connect);
const collabSockets = [];
await inBatches(editors, 10, async (p) => {
  const k = editors.indexOf(p);
  try {
    const s = await openRawSocket({
      port: cfg.nodes[p.node].port,
      path: `/collab/${documentOf(p)}?token=${encodeURIComponent(p.token)}`,
      localAddress: cfg.localAddress,
      onClose: () => {
        if (!stopping && collabSockets[k]) errors.socketClosed++;
      },
    });
    for (const m of [wire.syncStep1(), wire.update(typing[k].opening)]) s.send(clientFrame(m));
    collabSockets[k] = s;
  } catch (err) {
    errors.socketRefused++;
    errors.lastError = String(err.message ?? err).slice(0, 160);
  }
});
// One full observer per document this process types into, on the first node's peer (another user).
const observed = [...new Set(editors.map(documentOf))];
const observerAccount = cfg.accounts[(cfg.from + 5) % cfg.accounts.length];
const observers = observed.map((doc, j) =>
  openObserver({
    url: `ws://127.0.0.1:${cfg.nodes[(j + 1) % cfg.nodes.length].port}/collab/${doc}?token=${encodeURIComponent(observerAccount.token)}`,
    wire,
    ledger,
    record: (ms) => collab.record(ms),
  }),
);
await Promise.all(observers.map((o) => o.opened.catch(() => undefined)));
const connectSeconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `connected ${JSON.stringify({ people: people.length, sockets: people.filter((p) => p.socket).length, collab: collabSockets.filter(Boolean).length, connectSeconds })}\n`,
);

while (!existsSync(cfg.goFile)) await sleep(50);
const goAt = Number(readFileSync(cfg.goFile, 'utf8'));
if (!(goAt > 0)) throw new Error(`bad start time in ${cfg.goFile}`);
// Wall clock → this process's clock (same machine).
const start = performance.now() - (Date.now() - goAt);
const windowStart = start + cfg.warmupMs;
const end = windowStart + cfg.measureMs;
const cpu0 = process.cpuUsage();
let cpuAtWindow = null;
let markerSeq = 0;
for (const p of people) {
  const [lo, hi] = p.kind === 'idle' ? IDLE_VIEW_CHANGE_S : p.kind === 'browse' ? BROWSE_READ_S : EDIT_ACTION_S;
  p.next = start + rand(0, hi) * 1000;
  p.range = [lo, hi];
}

function act(p, now) {
  const project = cfg.projects[p.project];
  if (p.kind === 'idle') {
    if (!p.socket) return;
    const old = projectRoom(p);
    p.project = (p.project + 1 + Math.floor(Math.random() * (cfg.projects.length - 1))) % cfg.projects.length;
    p.socket.send(frame({ t: 'unsub', room: old }));
    p.socket.send(frame({ t: 'sub', room: projectRoom(p), diff: true }));
    p.socket.send(frame({ t: 'presence', room: projectRoom(p), state: { viewing: Math.random() < 0.7 ? 'board' : 'backlog' } }));
    void call(p, 'board read', 'GET', `/api/v1/projects/${cfg.projects[p.project].id}/tasks?limit=50`);
    return;
  }
  if (p.kind === 'browse') {
    if (Math.random() < 0.6) void call(p, 'board read', 'GET', `/api/v1/projects/${project.id}/tasks?limit=50`);
    else void call(p, 'task read', 'GET', `/api/v1/tasks/${pick(project.taskIds)}`);
    return;
  }
  const r = Math.random();
  const task = pick(project.taskIds);
  if (r < 0.4) {
    const id = `m${cfg.gen}-${++markerSeq}`;
    markers.set(id, measuring ? now : -1);
    void call(p, 'task write', 'PATCH', `/api/v1/tasks/${task}`, { title: `[${id}] Edited task` });
  } else if (r < 0.6) {
    void call(p, 'task write', 'POST', `/api/v1/tasks/${task}/move`, { status: pick(project.statusIds) });
  } else if (r < 0.8) {
    void call(p, 'comment write', 'POST', `/api/v1/tasks/${task}/comments`, { body: 'Looks good, moving on.' });
  } else {
    void call(p, 'checklist write', 'PATCH', `/api/v1/checklist/${pick(project.checklistItemIds)}`, { done: Math.random() < 0.5 });
  }
}

const sentKeys = new Int32Array(editors.length);
let keysDue = 0;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    if (!measuring && now >= windowStart) {
      measuring = true;
      cpuAtWindow = process.cpuUsage();
    }
    if (now >= end) return resolve();
    for (const p of people) {
      if (now >= p.next) {
        act(p, now);
        p.next = now + rand(p.range[0], p.range[1]) * 1000;
      }
      if (p.kind === 'browse' && p.dirty && !p.refetching && now - p.lastRefetch >= REFETCH_MIN_MS) {
        p.dirty = false;
        p.refetching = true;
        p.lastRefetch = now;
        void call(p, 'board refetch (live)', 'GET', `/api/v1/projects/${cfg.projects[p.project].id}/tasks?limit=50`).then(() => {
          p.refetching = false;
        });
      }
    }
    // Keystrokes: open loop, every editor at KEYSTROKES_PER_S.
    const due = Math.floor(((now - start) / 1000) * KEYSTROKES_PER_S);
    for (; keysDue < due; keysDue++) {
      for (let k = 0; k < editors.length; k++) {
        const s = collabSockets[k];
        const n = sentKeys[k];
        if (!s || n >= keystrokes) continue;
        ledger.get(typing[k].clientId).sentAt[n] = measuring ? performance.now() : -1;
        s.send(clientFrame(wire.update(typing[k].strokes[n].update)));
        sentKeys[k]++;
      }
    }
    setTimeout(tick, 10);
  };
  tick();
});
const cpu = process.cpuUsage(cpuAtWindow ?? cpu0);
const windowSeconds = cfg.measureMs / 1000;
// In-flight answers due within the window still count; then stop.
await sleep(3000);
stopping = true;
const summary = Object.fromEntries([...rest].map(([k, c]) => [k, { encoded: c.latency.encoded(), statuses: c.statuses }]));
process.stdout.write(
  `result ${JSON.stringify({
    people: people.length,
    kinds: {
      idle: people.filter((p) => p.kind === 'idle').length,
      browse: people.filter((p) => p.kind === 'browse').length,
      edit: editors.length,
    },
    connectSeconds,
    rest: summary,
    live: live.encoded(),
    collab: collab.encoded(),
    observersSynced: observers.filter((o) => o.stats.synced).length,
    observers: observers.length,
    errors,
    framesReceived: people.reduce((n, p) => n + (p.socket?.stats.frames ?? 0), 0),
    generatorCpuPct: (100 * (cpu.user + cpu.system)) / 1e6 / windowSeconds,
  })}\n`,
);
for (const o of observers) o.close();
for (const p of people) p.socket?.close();
for (const s of collabSockets) s?.close();
process.exit(0);
