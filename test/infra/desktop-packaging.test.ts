// The Windows installer cannot be built here (electron-builder downloads Electron and NSIS), so
// its configuration and the release workflow are checked statically: what a release needs is
// declared, and every file they name exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const desktop = join(root, 'apps', 'desktop');
const builder = parse(readFileSync(join(desktop, 'electron-builder.yml'), 'utf8'));

describe('desktop packaging (checked statically: the installer is built on a Windows runner)', () => {
  it('builds a per-user NSIS installer with a choosable folder, the icons and the tandem:// protocol', () => {
    expect(builder.win.target[0].target).toBe('nsis');
    expect(builder.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
    expect(builder.protocols[0].schemes).toEqual(['tandem']);
    for (const icon of [builder.win.icon, builder.nsis.installerIcon, 'build/icon.png', 'build/icon.svg'])
      expect(existsSync(join(desktop, icon)), icon).toBe(true);
    expect(readFileSync(join(desktop, 'build', 'icon.ico')).readUInt16LE(2)).toBe(1); // ICO header: type 1 = icon
  });

  it('ships the renderer, the server and the migrations as extra resources, and publishes a generic feed', () => {
    expect(builder.extraResources.map((r: { to: string }) => r.to)).toEqual(['web', 'server', 'migrations']);
    expect(builder.files).toEqual(expect.arrayContaining(['dist/main.cjs', 'dist/preload.cjs']));
    expect(builder.publish).toMatchObject({ provider: 'generic', channel: 'latest' });
    const pkg = JSON.parse(readFileSync(join(desktop, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main.cjs');
  });

  it('has a release workflow that builds on Windows and uploads the installer with latest.yml, and CI runs .ci/run', () => {
    const release = parse(readFileSync(join(root, '.github', 'workflows', 'desktop-release.yml'), 'utf8'));
    expect(release.on.push.tags).toEqual(['v*']);
    expect(release.jobs.windows['runs-on']).toMatch(/^windows/);
    const steps = JSON.stringify(release.jobs.windows.steps);
    expect(steps).toMatch(/electron-builder --win nsis/);
    expect(steps).toMatch(/deploy --prod/);
    expect(steps).toMatch(/latest\.yml/);
    const ci = parse(readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8'));
    expect(JSON.stringify(ci.jobs.test.steps)).toMatch(/bash \.ci\/run/);
  });
});
