// Bundles the Electron main process and the preload into single CommonJS files (dist/main.cjs,
// dist/preload.cjs): a sandboxed preload cannot load modules, and main imports the web client's
// route table from apps/web. Electron and electron-updater stay external (shipped in node_modules).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

for (const [input, file] of [
  ['src/main.ts', 'dist/main.cjs'],
  ['src/preload.ts', 'dist/preload.cjs'],
  // The host-mode launcher alone (no Electron), for the host-start benchmark (test/bench).
  ['src/host-server.ts', 'dist/host-server.cjs'],
]) {
  await build({
    input: join(root, input),
    platform: 'node',
    external: ['electron', 'electron-updater', /^node:/],
    output: { file: join(root, file), format: 'cjs', sourcemap: true },
    logLevel: 'warn',
  });
}
console.log('bundled dist/main.cjs, dist/preload.cjs and dist/host-server.cjs');
