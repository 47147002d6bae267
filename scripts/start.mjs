#!/usr/bin/env node
// `npm start`: install what is needed, build, and run one Tandem node on embedded defaults (or on
// whatever DATABASE_URL, REDIS_URL, S3_* … the environment sets). Serves the web client at /.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { installAndBuild, root } from './bootstrap.mjs';

installAndBuild();
// A bigger young generation: a busy node makes short-lived garbage fast, and with V8's default most
// of it survived into the old generation, whose collections paused everything (docs/operations.md).
const env = { ...process.env, NODE_OPTIONS: `--max-semi-space-size=64 ${process.env.NODE_OPTIONS ?? ''}`.trim() };
const child = spawn(process.execPath, [join(root, 'apps', 'server', 'dist', 'main.js')], { cwd: root, env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
