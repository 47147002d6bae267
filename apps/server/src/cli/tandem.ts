#!/usr/bin/env node
// The `tandem` admin commands: `node apps/server/dist/cli/tandem.js <command> [options]`, with the
// same environment as the server (each command's code loads only when it runs). Each exits 0 on success and non-zero with one clear line on failure.
import { parseArgs } from 'node:util';
import { ConfigError } from '../base/config/config.js';
import { CommandError } from './context.js';

interface Command {
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; help: string }>;
  run(values: Record<string, string | boolean | undefined>): Promise<{ out: string; ok?: boolean }>;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

const commands: Record<string, Command> = {
  'create-user': {
    usage: 'create-user --email E --name N --password P',
    summary: 'create an account (email taken as verified)',
    options: {
      email: { type: 'string', help: 'the sign-in email' },
      name: { type: 'string', help: 'the display name' },
      password: { type: 'string', help: 'at least 8 characters' },
    },
    run: async (v) => ({
      out: await (await import('./commands/users.js')).createUser({ email: str(v.email), name: str(v.name), password: str(v.password) }),
    }),
  },
  'reset-password': {
    usage: 'reset-password --email E --password P',
    summary: "set a user's password and sign out all their sessions",
    options: { email: { type: 'string', help: 'the account' }, password: { type: 'string', help: 'the new password' } },
    run: async (v) => ({
      out: await (await import('./commands/users.js')).resetPassword({ email: str(v.email), password: str(v.password) }),
    }),
  },
  'disable-user': {
    usage: 'disable-user --email E',
    summary: 'stop a user at once on every node: sessions, API tokens and open sockets end; their work stays',
    options: { email: { type: 'string', help: 'the account' } },
    run: async (v) => ({ out: await (await import('./commands/users.js')).disableUser({ email: str(v.email) }) }),
  },
  'enable-user': {
    usage: 'enable-user --email E',
    summary: 'let a disabled user sign in again',
    options: { email: { type: 'string', help: 'the account' } },
    run: async (v) => ({ out: await (await import('./commands/users.js')).enableUser({ email: str(v.email) }) }),
  },
  'delete-user': {
    usage: 'delete-user --email E',
    summary: "erase a user's account (email, name, sign-ins, memberships) and stop them on every node; their work stays",
    options: { email: { type: 'string', help: 'the account' } },
    run: async (v) => ({ out: await (await import('./commands/users.js')).deleteUser({ email: str(v.email) }) }),
  },
  backup: {
    usage: 'backup --out FILE',
    summary: 'write one archive with the database and every stored file (safe while the server runs)',
    options: { out: { type: 'string', help: 'the archive to write (.tar)' } },
    run: async (v) => ({ out: await (await import('./commands/backup.js')).backupCommand({ out: str(v.out) }) }),
  },
  restore: {
    usage: 'restore --in FILE [--force]',
    summary: 'restore an archive into an empty deployment (all or nothing)',
    options: {
      in: { type: 'string', help: 'the archive to read' },
      force: { type: 'boolean', help: 'replace a deployment that already holds data' },
    },
    run: async (v) => ({ out: await (await import('./commands/backup.js')).restoreCommand({ input: str(v.in), force: v.force === true }) }),
  },
  reindex: {
    usage: 'reindex',
    summary: 'rebuild the search index',
    options: {},
    run: async () => ({ out: await (await import('./commands/reindex.js')).reindexCommand() }),
  },
  doctor: {
    usage: 'doctor [--url PUBLIC_URL]',
    summary: 'check the database, bus, storage, search, clock, disk and WebSocket upgrades through the public address',
    options: { url: { type: 'string', help: 'the address users reach Tandem at (default TANDEM_PUBLIC_URL)' } },
    run: async (v) => {
      const { doctor, formatChecks } = await import('./commands/doctor.js');
      const { checks, ok } = await doctor({ url: str(v.url) });
      return { out: formatChecks(checks), ok };
    },
  },
  migrate: {
    usage: 'migrate [--dry-run]',
    summary: 'apply pending database migrations (the server also does this at start)',
    options: { 'dry-run': { type: 'boolean', help: 'list what would be applied, apply nothing' } },
    run: async (v) => ({ out: await (await import('./commands/migrate.js')).runMigrations({ dryRun: v['dry-run'] === true }) }),
  },
  version: {
    usage: 'version',
    summary: 'print the version and schema',
    options: {},
    run: async () => ({ out: (await import('./commands/migrate.js')).versionLine() }),
  },
};

function help(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    'usage: tandem <command> [options]   (same environment variables as the server)',
    '',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    "'tandem <command> --help' describes a command's options.",
  ].join('\n');
}

function commandHelp(name: string, cmd: Command): string {
  const opts = Object.entries(cmd.options).map(([k, o]) => `  --${k.padEnd(10)} ${o.help}`);
  return [`usage: tandem ${cmd.usage}`, '', cmd.summary, ...(opts.length ? ['', ...opts] : [])].join('\n').replace(name, name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`tandem: unknown command '${name}'\n${help()}\n`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    process.stderr.write(`tandem ${name}: ${(err as Error).message}\nusage: tandem ${cmd.usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${commandHelp(name, cmd)}\n`);
    return 0;
  }
  try {
    const { out, ok = true } = await cmd.run(values);
    process.stdout.write(`${out}\n`);
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof CommandError) {
      process.stderr.write(`tandem ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`tandem ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`tandem ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Exit explicitly once the output is flushed: a dependency's exit hook would otherwise turn a
// failure into exit code 0.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
