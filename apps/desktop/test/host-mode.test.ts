// Host mode with the REAL server build (apps/server/dist/main.js) on embedded defaults (embedded
// PostgreSQL, local files, in-process bus) in a temporary data folder. Electron itself cannot run
// here: the launcher runs the server with this Node, as the app does with ELECTRON_RUN_AS_NODE.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemClient } from '@tandem/client';
import jsQR from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDataFolder } from '../src/data-folder.js';
import { type HostServer, hostDataDir, startHostServer } from '../src/host-server.js';
import { qrMatrix, qrPayload, qrSvg } from '../src/invite-code.js';
import { lanCandidates, lanUrl } from '../src/lan-address.js';

const SERVER_ENTRY = join(__dirname, '..', '..', 'server', 'dist', 'main.js');

/** Decodes a QR matrix with an independent decoder (jsQR), as a phone camera would. */
function decode(matrix: boolean[][]): string | null {
  const scale = 4;
  const quiet = 4;
  const size = (matrix.length + quiet * 2) * scale;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const [y, row] of matrix.entries()) {
    for (const [x, dark] of row.entries()) {
      if (!dark) continue;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + quiet) * scale + dy) * size + (x + quiet) * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
    }
  }
  return jsQR(rgba, size, size)?.data ?? null;
}

const office = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: null }],
  'vEthernet (WSL)': [{ address: '172.22.0.1', netmask: '255.255.240.0', family: 'IPv4', mac: '', internal: false, cidr: null }],
  'Wi-Fi': [
    { address: 'fe80::1', netmask: 'ffff::', family: 'IPv6', mac: '', internal: false, cidr: null, scopeid: 1 },
    { address: '192.168.1.23', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: null },
  ],
  Ethernet: [{ address: '169.254.10.2', netmask: '255.255.0.0', family: 'IPv4', mac: '', internal: false, cidr: null }],
} as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

describe('LAN address and QR code', () => {
  it('picks the Wi-Fi/Ethernet address over loopback, link-local and virtual adapters', () => {
    expect(lanCandidates(office).map((c) => c.address)).toEqual(['192.168.1.23', '172.22.0.1']);
    expect(lanUrl(office, 3000)).toBe('http://192.168.1.23:3000');
    expect(lanUrl(office, 3000, '172.22.0.1')).toBe('http://172.22.0.1:3000');
    expect(lanUrl(office, 3000, '10.9.9.9')).toBe('http://192.168.1.23:3000');
    expect(lanUrl({ lo: office.lo }, 3000)).toBeNull();
  });

  it('puts exactly the LAN URL into the QR code, and it decodes back to it', async () => {
    expect(qrPayload('http://192.168.1.23:3000/')).toBe('http://192.168.1.23:3000');
    expect(decode(qrMatrix('http://192.168.1.23:3000'))).toBe('http://192.168.1.23:3000');
    expect(await qrSvg('http://192.168.1.23:3000')).toMatch(/^<svg[^>]*viewBox/);
    expect(() => qrPayload('file:///etc/passwd')).toThrow(/http/);
  });
});

describe('portable mode', () => {
  it('keeps everything in a data folder beside the executable when there is one', () => {
    const stick = mkdtempSync(join(tmpdir(), 'tandem-usb-'));
    const exe = join(stick, 'Tandem.exe');
    expect(resolveDataFolder({ execPath: exe, userData: '/home/ana/.config/Tandem' })).toEqual({
      dir: '/home/ana/.config/Tandem',
      portable: false,
    });
    mkdirSync(join(stick, 'data'));
    expect(resolveDataFolder({ execPath: exe, userData: '/home/ana/.config/Tandem' })).toEqual({
      dir: join(stick, 'data'),
      portable: true,
    });
    // electron-builder's portable .exe runs from a temp folder and names its own folder in the environment.
    expect(resolveDataFolder({ execPath: '/tmp/x/Tandem.exe', userData: '/u', env: { PORTABLE_EXECUTABLE_DIR: stick } })).toEqual({
      dir: join(stick, 'data'),
      portable: true,
    });
    rmSync(stick, { recursive: true, force: true });
  });
});

describe('host mode with the real server build', () => {
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
  const appData = mkdtempSync(join(tmpdir(), 'tandem-host-'));
  chmodSync(appData, 0o755);
  const dataDir = hostDataDir(appData);
  let running: HostServer | null = null;
  afterAll(async () => {
    await running?.stop();
    rmSync(appData, { recursive: true, force: true });
  });

  it('starts on embedded defaults, signs the first user in as owner, stops cleanly, and restarts with the data kept', async () => {
    expect(existsSync(SERVER_ENTRY), `build the server first: ${SERVER_ENTRY}`).toBe(true);
    running = await startHostServer({ serverEntry: SERVER_ENTRY, dataDir, port: 0, host: '127.0.0.1', env: { LOG_LEVEL: 'warn' } });
    expect(running.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${running.localUrl}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${running.localUrl}/api/v1/server-info`)).json()).toMatchObject({ product: 'tandem', desktopApp: true });

    // The host registers first (the first user of a new server) and creates the team's workspace.
    const host = new TandemClient(running.localUrl);
    await host.auth.register({ email: 'host@example.test', password: 'correct horse battery', displayName: 'Hana Host' });
    const ws = await host.workspaces.create({ name: 'Our team' });
    expect(ws.role).toBe('owner');

    // Everything lives in the data folder: the database under it.
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    const port = running.port;
    expect(await running.stop()).toBe(true);
    running = null;
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

    running = await startHostServer({ serverEntry: SERVER_ENTRY, dataDir, port: 0, host: '127.0.0.1', env: { LOG_LEVEL: 'warn' } });
    const again = new TandemClient(running.localUrl);
    await again.auth.login({ email: 'host@example.test', password: 'correct horse battery' });
    expect((await again.workspaces.list()).items.map((w) => [w.name, w.role])).toEqual([['Our team', 'owner']]);
    expect(await running.stop()).toBe(true);
    running = null;
  }, 240_000);

  it('reports a server that cannot start, with its last log lines', async () => {
    await expect(
      startHostServer({
        serverEntry: SERVER_ENTRY,
        dataDir,
        port: 0,
        host: '127.0.0.1',
        env: { BCRYPT_ROUNDS: '99' },
        readyTimeoutMs: 60_000,
      }),
    ).rejects.toThrow(/exited \(code 78\)[\s\S]*BCRYPT_ROUNDS/);
  }, 120_000);
});
