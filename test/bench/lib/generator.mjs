// Runs a generator script pinned to a core (the generator's unless told) with a JSON config file; returns the JSON
// result it prints as its last stdout line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH, GENERATOR_CORE, spawnPinned } from './servers.mjs';

export async function runGenerator(name, config, { timeoutMs = 180_000, core = GENERATOR_CORE } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const proc = spawnPinned(core, join(BENCH, 'gen', `${name}.mjs`), {
    scriptArgs: [file],
    ready: /^(\{.*\})\n/m,
    timeoutMs,
  });
  try {
    return JSON.parse(await proc.started);
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
