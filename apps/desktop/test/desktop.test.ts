import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '@tandem/protocol/app-routes';
import { describe, expect, it } from 'vitest';
import { appUrl, resolveAppFile } from '../src/app-protocol.js';
import { deepLinkToPath, findDeepLink } from '../src/deep-link.js';
import { decideNavigation } from '../src/navigation.js';
import { isServerPage, normalizeServerUrl } from '../src/server-url.js';
import { closeAction, defaultSettings, parseSettings } from '../src/settings.js';
import { parseWindowState, restoreWindowState } from '../src/window-state.js';

describe('server address', () => {
  it('accepts a bare host name as https and keeps only the origin', () => {
    expect(normalizeServerUrl(' tandem.example.com/some/page ')).toEqual({ ok: true, url: 'https://tandem.example.com' });
    expect(normalizeServerUrl('http://10.0.0.5:3000/')).toEqual({ ok: true, url: 'http://10.0.0.5:3000' });
  });

  it('refuses empty input, other schemes and embedded credentials with a reason', () => {
    expect(normalizeServerUrl('')).toMatchObject({ ok: false, error: expect.stringMatching(/address/) });
    expect(normalizeServerUrl('file:///etc/passwd')).toMatchObject({ ok: false, error: expect.stringMatching(/http/) });
    expect(normalizeServerUrl('javascript://alert(1)')).toMatchObject({ ok: false });
    expect(normalizeServerUrl('https://bob:secret@tandem.example.com')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/password/),
    });
  });

  it('treats only the same origin as the server', () => {
    expect(isServerPage('https://t.example.com', 'https://t.example.com/w/1')).toBe(true);
    expect(isServerPage('https://t.example.com', 'https://t.example.com.evil.io/')).toBe(false);
    expect(isServerPage('https://t.example.com', 'http://t.example.com/')).toBe(false);
    expect(isServerPage(null, 'https://t.example.com/')).toBe(false);
  });
});

describe('navigation policy', () => {
  const server = 'https://t.example.com';
  it('keeps the app in the window, sends web and mail links to the system, blocks the rest', () => {
    expect(decideNavigation(server, 'https://t.example.com/w/abc')).toBe('stay');
    expect(decideNavigation(server, 'https://github.com/')).toBe('external');
    expect(decideNavigation(server, 'mailto:ana@example.com')).toBe('external');
    expect(decideNavigation(server, 'file:///C:/Windows/system32/calc.exe')).toBe('block');
    expect(decideNavigation(server, 'ms-msdt:/id PCWDiagnostic')).toBe('block');
    expect(decideNavigation(server, 'not a url')).toBe('block');
  });

  it('allows the bundled setup page, whatever its query string', () => {
    expect(decideNavigation(null, 'file:///app/static/setup.html?error=x', ['file:///app/static/setup.html'])).toBe('stay');
  });
});

describe('deep links', () => {
  it('maps tandem:// links onto the app routes', () => {
    expect(deepLinkToPath('tandem://open/w/ws1/p/pr1/t/t1')).toBe('/w/ws1/p/pr1/t/t1');
    expect(deepLinkToPath('tandem://w/ws1/d/doc-9')).toBe('/w/ws1/d/doc-9');
    expect(deepLinkToPath('tandem://w/ws1/inbox')).toBe('/w/ws1/inbox');
    expect(deepLinkToPath('tandem://w/ws1/t/task-7')).toBe('/w/ws1/t/task-7');
    expect(deepLinkToPath('tandem://open')).toBe('/');
  });

  it("opens every route the web app builds, from the web app's own route table", () => {
    const built = Object.values(paths).map((build) => (build as (...ids: string[]) => string)('ws1', 'id2', 'id3'));
    expect(built.length).toBeGreaterThan(8);
    for (const path of built) expect(deepLinkToPath(`tandem://open${path}`), path).toBe(path);
  });

  it('ignores unknown routes, odd characters and other schemes', () => {
    expect(deepLinkToPath('tandem://w/ws1/admin')).toBeNull();
    expect(deepLinkToPath('tandem://w/..%2F..%2Fetc/p/x')).toBeNull();
    expect(deepLinkToPath('https://w/ws1')).toBeNull();
    expect(deepLinkToPath('tandem://w/a b')).toBeNull();
    expect(deepLinkToPath('::::')).toBeNull();
  });

  it('finds the link among command-line arguments (Windows second instance)', () => {
    expect(findDeepLink(['C:\\Tandem\\Tandem.exe', '--flag', 'tandem://w/ws1'])).toBe('tandem://w/ws1');
    expect(findDeepLink(['Tandem.exe'])).toBeNull();
  });
});

describe('window state', () => {
  const screenA = { x: 0, y: 0, width: 1920, height: 1040 };
  const screenB = { x: 1920, y: 0, width: 1280, height: 1000 };

  it('reopens where the window was when that place is still on a screen', () => {
    const saved = { x: 2000, y: 50, width: 1000, height: 700, maximized: false };
    expect(restoreWindowState(saved, [screenA, screenB])).toEqual(saved);
  });

  it('centres on the primary screen when the saved screen is gone', () => {
    const saved = { x: 2000, y: 50, width: 1000, height: 700, maximized: true };
    expect(restoreWindowState(saved, [screenA])).toEqual({ x: 320, y: 110, width: 1280, height: 820, maximized: true });
  });

  it('never opens smaller than the minimum or larger than the biggest screen', () => {
    const tiny = restoreWindowState({ x: 10, y: 10, width: 100, height: 100, maximized: false }, [screenA]);
    expect([tiny.width, tiny.height]).toEqual([800, 560]);
    const huge = restoreWindowState({ x: 0, y: 0, width: 9000, height: 9000, maximized: false }, [screenA]);
    expect([huge.width, huge.height]).toEqual([1920, 1040]);
  });

  it('ignores a damaged state file', () => {
    expect(parseWindowState({ x: 'a', y: 1 })).toBeNull();
    expect(parseWindowState(null)).toBeNull();
    expect(parseWindowState({ x: 1, y: 2, width: 3, height: 4 })).toEqual({ x: 1, y: 2, width: 3, height: 4, maximized: false });
  });
});

describe('settings', () => {
  it('reads a valid file and falls back to defaults for a damaged one', () => {
    expect(parseSettings('{"serverUrl":"tandem.example.com/x","updateFeedUrl":"https://updates.example.com/tandem/"}')).toEqual({
      ...defaultSettings,
      mode: 'connected',
      serverUrl: 'https://tandem.example.com',
      updateFeedUrl: 'https://updates.example.com/tandem/',
    });
    expect(parseSettings('{not json')).toEqual(defaultSettings);
    expect(parseSettings(null)).toEqual(defaultSettings);
    expect(parseSettings('{"serverUrl":"ftp://x"}')).toMatchObject({ serverUrl: null, mode: 'unset' });
    expect(parseSettings('{"mode":"host","hostPort":8080,"lanAddress":"192.168.1.5","keepRunningInTray":false}')).toMatchObject({
      mode: 'host',
      hostPort: 8080,
      lanAddress: '192.168.1.5',
      keepRunningInTray: false,
    });
    expect(parseSettings('{"mode":"host","hostPort":99999,"lanAddress":"<script>"}')).toMatchObject({ hostPort: 3000, lanAddress: null });
  });

  it('keeps a hosting app running in the tray when its window closes, unless told not to or quitting', () => {
    const host = { ...defaultSettings, mode: 'host' as const };
    expect(closeAction(host, false)).toBe('hide');
    expect(closeAction(host, true)).toBe('close');
    expect(closeAction({ ...host, keepRunningInTray: false }, false)).toBe('close');
    expect(closeAction({ ...defaultSettings, mode: 'connected', serverUrl: 'https://t.example' }, false)).toBe('close');
  });
});

describe('the bundled renderer at app://tandem', () => {
  const web = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<div id="root"></div>');
  writeFileSync(join(web, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');

  it('serves the built files with their types and every app route as index.html', () => {
    expect(resolveAppFile(web, 'app://tandem/assets/index-abc.js')).toEqual({
      status: 200,
      file: join(web, 'assets', 'index-abc.js'),
      type: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppFile(web, 'app://tandem/')).toMatchObject({ status: 200, file: join(web, 'index.html') });
    expect(resolveAppFile(web, 'app://tandem/w/ws1/p/pr1/t/t1')).toMatchObject({ status: 200, file: join(web, 'index.html') });
    expect(appUrl('/w/ws1')).toBe('app://tandem/w/ws1');
  });

  it('never serves a file outside the web folder, a missing asset, or another host', () => {
    expect(resolveAppFile(web, 'app://tandem/../outside.txt')).toEqual({ status: 404 });
    expect(resolveAppFile(web, 'app://tandem/%2e%2e/outside.txt')).toEqual({ status: 404 });
    expect(resolveAppFile(web, 'app://tandem/assets/missing.js')).toEqual({ status: 404 });
    expect(resolveAppFile(web, 'app://evil/index.html')).toEqual({ status: 404 });
    expect(resolveAppFile(web, 'app://tandem/%E0%A4%A')).toEqual({ status: 404 });
  });
});
