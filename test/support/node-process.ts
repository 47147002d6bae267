// Runs a Tandem node as its own OS process (`node apps/server/dist/main.js`, built by the test
// command), for multi-node and crash tests: two nodes sharing a database and Redis, kill -9, restart.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TandemClient } from '@tandem/client';

const MAIN = join(import.meta.dirname, '..', '..', 'apps', 'server', 'dist', 'main.js');

export interface NodeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  client(): TandemClient;
  /** SIGKILL: no shutdown hooks run. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a graceful exit. */
  stop(): Promise<number | null>;
}

export interface NodeProcessOptions {
  /**
   * Largest file the node may write (RLIMIT_FSIZE, set with util-linux `prlimit`): a write past it
   * fails with EFBIG, the way a full disk fails a write with ENOSPC, without filling a real disk.
   */
  fileSizeLimitBytes?: number;
}

export async function startNodeProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: NodeProcessOptions = {},
): Promise<NodeProcess> {
  const command =
    options.fileSizeLimitBytes === undefined
      ? [process.execPath, MAIN]
      : ['prlimit', `--fsize=${options.fileSizeLimitBytes}`, process.execPath, MAIN];
  const child = spawn(command[0]!, command.slice(1), {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      BCRYPT_ROUNDS: '4',
      TANDEM_SIGNUP: 'open',
      // Test machines are shared and busy: a node stalled by its neighbours would shed the tests'
      // own requests with 503 (load shedding has its own tests, test/server/load-shedding.test.ts).
      OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /Tandem is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before listening:\n${out}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    child,
    output: () => out,
    client: () => new TandemClient(url),
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export type SignedIn = TandemClient & { userId: string; email: string };

/** Registers a fresh user through `node` and returns their signed-in client. */
export async function signUp(node: NodeProcess, name: string): Promise<SignedIn> {
  const c = node.client();
  const email = `${name}.${randomBytes(4).toString('hex')}@example.test`;
  const res = await c.auth.register({ email, password: 'correct horse battery', displayName: name });
  return Object.assign(c, { userId: res.user.id, email });
}

/** The same user's session as seen through another node (tokens are valid on every node). */
export function via(node: NodeProcess, user: TandemClient): TandemClient {
  const c = node.client();
  c.http.setTokens({ accessToken: user.accessToken!, refreshToken: user.refreshToken! });
  return c;
}
