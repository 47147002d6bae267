// Runs a Tandem node as its own OS process (`node apps/server/dist/main.js`, built by the test
// command), for multi-node and crash tests: two nodes sharing a database and Redis, kill -9, restart.
import { type ChildProcess, spawn } from 'node:child_process';
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

export async function startNodeProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<NodeProcess> {
  const child = spawn(process.execPath, [MAIN], {
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
