// Starts one Tandem node: `node apps/server/dist/main.js`. Configuration is environment only.
import { ConfigError, loadConfig } from './base/config/config.js';
import { logger } from './base/logger/logger.js';
import { startServer } from './server.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const started = Date.now();
  const server = await startServer(config);
  const log = logger('main');
  log.info({ ms: Date.now() - started }, 'started');
  process.stdout.write(`\nTandem is running at ${server.url}\n\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // The embedded PostgreSQL library installs signal hooks that end the process (exit 128 + signal)
  // as soon as its own PostgreSQL has stopped, racing this orderly shutdown, which stops that
  // PostgreSQL itself once every socket and job is closed.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A parent process (the desktop app in host mode) asks for a clean stop over IPC, because on
  // Windows a signal kills at once and would leave the embedded PostgreSQL running.
  if (process.send) process.on('message', (m) => m === 'tandem:shutdown' && stop('ipc'));
}

main().catch((err) => {
  process.stderr.write(`Tandem failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  logger('main').fatal({ err }, 'start failed');
  process.exit(1);
});
