// `pnpm bench <scenario…|all> [--quick] [--minutes N]`: runs benchmark scenarios (servers pinned to one core, the
// generator to the other) and rewrites their sections of docs/benchmarks.md. `pnpm bench --list`.
import { execFileSync } from 'node:child_process';
import { stamp, writeSection } from './lib/report.mjs';
import { GENERATOR_CORE } from './lib/servers.mjs';
import { collabScenarios } from './scenarios/collab.mjs';
import { desktopScenarios } from './scenarios/desktop.mjs';
import { filesScenarios } from './scenarios/files.mjs';
import { mixedScenarios } from './scenarios/mixed.mjs';
import { movesScenarios } from './scenarios/moves.mjs';
import { realtimeScenarios } from './scenarios/realtime.mjs';
import { restScenarios } from './scenarios/rest.mjs';
import { searchScenarios } from './scenarios/search.mjs';
import { storageScenarios } from './scenarios/storage.mjs';
import { webhookScenarios } from './scenarios/webhooks.mjs';

const scenarios = {
  ...collabScenarios,
  ...storageScenarios,
  ...realtimeScenarios,
  ...restScenarios,
  ...filesScenarios,
  ...searchScenarios,
  ...desktopScenarios,
  ...webhookScenarios,
  ...movesScenarios,
  ...mixedScenarios,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
// `--minutes N`: how long a long-running scenario (the soak) runs.
const minutesAt = args.indexOf('--minutes');
const minutes = minutesAt >= 0 ? Number(args[minutesAt + 1]) : undefined;
if (minutes !== undefined && !(minutes > 0)) {
  process.stderr.write('--minutes needs a positive number\n');
  process.exit(1);
}
const names = args.filter((a, i) => !a.startsWith('--') && (minutesAt < 0 || i !== minutesAt + 1));
if (args.includes('--list') || names.length === 0) {
  process.stdout.write(
    `usage: pnpm bench <scenario…|all> [--quick] [--minutes N]\n\n${Object.entries(scenarios)
      .map(([id, s]) => `  ${id.padEnd(20)} ${s.title}`)
      .join('\n')}\n`,
  );
  process.exit(names.length === 0 && !args.includes('--list') ? 1 : 0);
}
const selected = names.includes('all') ? Object.keys(scenarios) : names;
const unknown = selected.filter((n) => !scenarios[n]);
if (unknown.length) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')} (pnpm bench --list)\n`);
  process.exit(1);
}

// The runner only sets up and writes reports; keep it off the server's core.
try {
  execFileSync('taskset', ['-p', '-c', GENERATOR_CORE, String(process.pid)], { stdio: 'ignore' });
} catch {
  /* taskset missing: results are still written, the pinning note then does not hold */
}

const log = (msg) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const started = Date.now();
for (const id of selected) {
  const s = scenarios[id];
  log(`${id}: ${s.title}`);
  const header = stamp(`pnpm bench ${id}${quick ? ' --quick' : ''}${minutes ? ` --minutes ${minutes}` : ''}`);
  const t0 = Date.now();
  try {
    const body = await s.run({ log: (m) => log(`  ${m}`), quick, minutes });
    writeSection(id, s.title, `${header}\n\n${body}`, Object.keys(scenarios));
    process.stdout.write(`\n${body}\n\n`);
    log(`${id} done in ${Math.round((Date.now() - t0) / 1000)} s`);
  } catch (err) {
    log(`${id} failed: ${err.stack ?? err}`);
    writeSection(id, s.title, `${header}\n\n**Run failed:** ${String(err.message ?? err).split('\n')[0]}`, Object.keys(scenarios));
    process.exitCode = 1;
  }
}
log(`finished in ${Math.round((Date.now() - started) / 1000)} s; results in docs/benchmarks.md`);
