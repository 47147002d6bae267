// Host mode: the desktop app runs the bundled Tandem server itself, on embedded defaults
// (embedded PostgreSQL, local files, in-process bus) in the app's data folder, for a small team
// on the same network. This module starts it as a child process, waits until it is ready, and
// stops it cleanly (over IPC: on Windows a signal would kill it and leave PostgreSQL running).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface HostServerOptions {
  /** apps/server/dist/main.js (in the installed app: resources/server/dist/main.js). */
  serverEntry: string;
  /** Everything the server keeps: database, files, secrets. */
  dataDir: string;
  /** 0 picks a free port (tests); the app keeps one port so colleagues' links keep working. */
  port: number;
  host?: string;
  /** The bundled web client, served to colleagues who join from a browser. */
  webDir?: string;
  /** prisma/migrations when it is not beside the server (the installed app). */
  migrationsDir?: string;
  /** The Node to run it with; in Electron, the app itself with ELECTRON_RUN_AS_NODE=1. */
  execPath?: string;
  env?: Record<string, string | undefined>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Server log lines (stdout and stderr), e.g. for a log file in the data folder. */
  onLog?: (line: string) => void;
}

export interface HostServer {
  /** The address on this computer (http://127.0.0.1:<port>). */
  localUrl: string;
  port: number;
  pid: number;
  /** Milliseconds from spawn to ready. */
  startupMs: number;
  /** Resolves when the process has exited; true when it stopped cleanly. */
  stop(): Promise<boolean>;
  /** Called if the server exits on its own (a crash). */
  onExit(listener: (code: number | null) => void): void;
}

const RUNNING = /Tandem is running at https?:\/\/[^:\s]+:(\d+)/;

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  mkdirSync(opts.dataDir, { recursive: true });
  const started = Date.now();
  const child = fork(opts.serverEntry, [], {
    execPath: opts.execPath ?? process.execPath,
    // A larger young generation, as `npm start` and the container image run the server: fewer
    // scavenges under many sockets (see docs/operations.md).
    execArgv: ['--max-semi-space-size=64'],
    cwd: opts.dataDir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      ...opts.env,
      ELECTRON_RUN_AS_NODE: '1',
      NODE_ENV: 'production',
      TANDEM_DATA_DIR: opts.dataDir,
      PORT: String(opts.port),
      HOST: opts.host ?? '0.0.0.0',
      TANDEM_WEB_DIR: opts.webDir ?? opts.env?.TANDEM_WEB_DIR,
      TANDEM_MIGRATIONS_DIR: opts.migrationsDir ?? opts.env?.TANDEM_MIGRATIONS_DIR,
      // Host mode is single-node on embedded defaults, whatever the user's shell holds.
      DATABASE_URL: '',
      REDIS_URL: '',
      S3_ENDPOINT: '',
      MEILI_URL: '',
    },
  });
  const exitListeners = new Set<(code: number | null) => void>();
  let exited: { code: number | null } | null = null;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exited = { code };
      resolve(code);
      for (const l of exitListeners) l(code);
    });
  });
  const tail: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, exit, 5000);
      reject(
        new Error(`The Tandem server did not start within ${Math.round((opts.readyTimeoutMs ?? 120_000) / 1000)} s:\n${tail.join('\n')}`),
      );
    }, opts.readyTimeoutMs ?? 120_000);
    const onLine = (line: string) => {
      opts.onLog?.(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const m = RUNNING.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    lines(child, onLine);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The Tandem server exited (code ${code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  const localUrl = `http://127.0.0.1:${port}`;
  // "running at" is printed once it listens; ready means the database answers too.
  await waitReady(localUrl, opts.readyTimeoutMs ?? 120_000);
  return {
    localUrl,
    port,
    pid: child.pid ?? 0,
    startupMs: Date.now() - started,
    stop: () => (exited ? Promise.resolve(exited.code === 0) : stopChild(child, exit, opts.stopTimeoutMs ?? 20_000)),
    onExit: (l) => void exitListeners.add(l),
  };
}

function lines(child: ChildProcess, onLine: (line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line) onLine(line);
        i = buf.indexOf('\n');
      }
    });
  }
}

async function waitReady(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`The Tandem server at ${url} did not become ready`);
}

async function stopChild(child: ChildProcess, exit: Promise<number | null>, timeoutMs: number): Promise<boolean> {
  if (child.connected) child.send('tandem:shutdown');
  else child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
  const result = await Promise.race([exit, timer]);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exit;
    return false;
  }
  return result === 0;
}

/** Where host mode keeps the server's data inside the app's data folder. */
export function hostDataDir(appDataDir: string): string {
  return join(appDataDir, 'server');
}
