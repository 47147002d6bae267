// Generates the app icons from build/icon.svg: the Windows .ico (16–256 px), the PNG used for the
// window, tray and notifications, and the web client's PWA icons (apps/web/public). The outputs
// are committed; run this after changing the SVG: `pnpm --filter @tandem/desktop icons`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngToIco from 'png-to-ico';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, '..', 'build');
const webPublic = join(here, '..', '..', 'web', 'public');
const svg = readFileSync(join(build, 'icon.svg'));
const png = (size) =>
  sharp(svg, { density: Math.ceil((72 * size) / 512) * 2 })
    .resize(size, size)
    .png()
    .toBuffer();

writeFileSync(join(build, 'icon.png'), await png(512));
writeFileSync(join(build, 'icon.ico'), await pngToIco(await Promise.all([16, 24, 32, 48, 64, 128, 256].map(png))));
writeFileSync(join(webPublic, 'icon-192.png'), await png(192));
writeFileSync(join(webPublic, 'icon-512.png'), await png(512));
writeFileSync(join(webPublic, 'icon.svg'), svg);
// Maskable: the mark inside the safe zone (80 %) on a full-bleed background.
const maskable = await sharp({ create: { width: 512, height: 512, channels: 4, background: '#5b5bd6' } })
  .composite([{ input: await png(410), left: 51, top: 51 }])
  .png()
  .toBuffer();
writeFileSync(join(webPublic, 'icon-maskable-512.png'), maskable);
console.log('icons written to apps/desktop/build and apps/web/public');
