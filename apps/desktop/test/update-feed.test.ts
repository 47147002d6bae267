// The server's desktop update feed (GET /updates/<file> from TANDEM_UPDATES_DIR), read by
// electron-updater's own generic provider: its HTTP code path (builder-util-runtime's executor
// over node:http, as Electron's net module would) and its own latest.yml parser. Electron itself
// cannot run here, so the updater object around the provider is a stand-in.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpExecutor } from 'builder-util-runtime';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { UpdateFlow, type Updater, type UpdateState, updateFeedUrl } from '../src/update-flow.js';

class NodeExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: object, callback: (response: unknown) => void): ClientRequest {
    return request(options, callback);
  }
}

const installer = Buffer.alloc(200_000);
for (let i = 0; i < installer.length; i++) installer[i] = (i * 31) % 251;
const sha512 = createHash('sha512').update(installer).digest('base64');
const latestYml = `version: 0.2.0
files:
  - url: Tandem-Setup-0.2.0.exe
    sha512: ${sha512}
    size: ${installer.length}
path: Tandem-Setup-0.2.0.exe
sha512: ${sha512}
releaseDate: '2026-11-28T20:00:00.000Z'
`;

let dir: string;
let server: TestServer;
let off: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-updates-'));
  writeFileSync(join(dir, 'latest.yml'), latestYml);
  writeFileSync(join(dir, 'Tandem-Setup-0.2.0.exe'), installer);
  writeFileSync(join(dir, 'Tandem-Setup-0.2.0.exe.blockmap'), Buffer.from([1, 2, 3]));
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  mkdirSync(join(dir, 'old'));
  writeFileSync(join(dir, '..', `outside-${process.pid}.txt`), 'not for you');
  server = await startTestServer({ TANDEM_UPDATES_DIR: dir });
  off = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await off?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', `outside-${process.pid}.txt`), { force: true });
});

describe('update feed served by the team server', () => {
  it("is read by electron-updater's generic provider and parser", async () => {
    const provider = new GenericProvider(
      { provider: 'generic', url: `${server.url}/updates/` },
      { channel: null, isAddNoCacheQuery: false } as never,
      {
        executor: new NodeExecutor(),
        platform: 'win32',
        isUseMultipleRangeRequest: true,
      },
    );
    const info = await provider.getLatestVersion();
    expect(info).toMatchObject({ version: '0.2.0', path: 'Tandem-Setup-0.2.0.exe', sha512 });
    const files = provider.resolveFiles(info);
    expect(files.map((f) => f.url.href)).toEqual([`${server.url}/updates/Tandem-Setup-0.2.0.exe`]);
    const exe = await fetch(files[0]!.url.href);
    expect(
      createHash('sha512')
        .update(Buffer.from(await exe.arrayBuffer()))
        .digest('base64'),
    ).toBe(sha512);
  });

  it('sends the right content types and honours Range (resumed and differential downloads)', async () => {
    const yml = await fetch(`${server.url}/updates/latest.yml`);
    expect(yml.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(yml.headers.get('cache-control')).toBe('no-cache');
    expect(await yml.text()).toBe(latestYml);
    const part = await fetch(`${server.url}/updates/Tandem-Setup-0.2.0.exe`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('application/vnd.microsoft.portable-executable');
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${installer.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(installer.subarray(100, 200));
    const map = await fetch(`${server.url}/updates/Tandem-Setup-0.2.0.exe.blockmap`);
    expect(map.headers.get('content-type')).toBe('application/octet-stream');
    expect(map.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists no directory, serves no dotfile, never leaves the folder, and 404s what is absent', async () => {
    for (const path of ['/updates/', '/updates/old/', '/updates/.env', '/updates/nope.exe', `/updates/..%2Foutside-${process.pid}.txt`]) {
      const res = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect([403, 404], path).toContain(res.status);
      expect(await res.text()).not.toMatch(/not for you|SECRET|latest\.yml/);
    }
    expect((await fetch(`${server.url}/updates/../../etc/passwd`)).status).toBe(404);
  });

  it('is 404 when TANDEM_UPDATES_DIR is unset, and server-info says whether there is a feed', async () => {
    expect((await fetch(`${off.url}/updates/latest.yml`)).status).toBe(404);
    expect(await (await fetch(`${off.url}/api/v1/server-info`)).json()).toMatchObject({ updateFeed: false });
    expect(await (await fetch(`${server.url}/api/v1/server-info`)).json()).toMatchObject({ updateFeed: true });
  });
});

describe('update wiring', () => {
  it('checks the connected server, the build-time feed in host mode, and nothing insecure', () => {
    expect(
      updateFeedUrl({ mode: 'connected', serverUrl: 'https://tandem.acme.test', releaseFeed: 'https://releases.example/tandem' }),
    ).toBe('https://tandem.acme.test/updates/');
    expect(updateFeedUrl({ mode: 'host', serverUrl: 'http://127.0.0.1:3000', releaseFeed: 'https://releases.example/tandem' })).toBe(
      'https://releases.example/tandem/',
    );
    expect(updateFeedUrl({ mode: 'connected', serverUrl: 'http://192.168.1.20:3000', releaseFeed: null })).toBe(
      'http://192.168.1.20:3000/updates/',
    );
    expect(updateFeedUrl({ mode: 'connected', serverUrl: 'http://tandem.acme.test', releaseFeed: null })).toBeNull();
    expect(updateFeedUrl({ mode: 'host', serverUrl: null, releaseFeed: null })).toBeNull();
    expect(updateFeedUrl({ mode: 'unset', serverUrl: null, releaseFeed: 'https://r.example/', override: 'https://mirror.example/t' })).toBe(
      'https://mirror.example/t/',
    );
  });

  it('downloads in the background and offers restart only once the release is ready', () => {
    const handlers = new Map<string, (arg?: unknown) => void>();
    const calls: string[] = [];
    const updater = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: (o: { url: string }) => calls.push(`feed ${o.url}`),
      checkForUpdates: async () => calls.push('check'),
      quitAndInstall: () => calls.push('install'),
      on: (e: string, l: (arg?: unknown) => void) => handlers.set(e, l),
    } as unknown as Updater;
    const seen: UpdateState[] = [];
    const flow = new UpdateFlow(updater, (s) => seen.push(s));
    expect(updater.autoDownload && updater.autoInstallOnAppQuit).toBe(true);
    flow.start('http://192.168.1.20:3000/updates/');
    expect(calls).toEqual(['feed http://192.168.1.20:3000/updates/', 'check']);
    expect(flow.restartToUpdate()).toBe(false);
    handlers.get('update-available')!({ version: '0.2.0' });
    handlers.get('download-progress')!({ percent: 41.6 });
    expect(flow.state).toEqual({ state: 'downloading', version: '0.2.0', percent: 42 });
    handlers.get('error')!(new Error('network'));
    handlers.get('update-available')!({ version: '0.2.0' });
    handlers.get('update-downloaded')!({ version: '0.2.0' });
    expect(seen.at(-1)).toEqual({ state: 'ready', version: '0.2.0' });
    handlers.get('error')!(new Error('later check failed'));
    expect(flow.state).toEqual({ state: 'ready', version: '0.2.0' });
    expect(flow.restartToUpdate()).toBe(true);
    expect(calls.at(-1)).toBe('install');
    flow.stop();
  });
});
