// The desktop update feed: GET /updates/<file> serves the files an admin drops into
// TANDEM_UPDATES_DIR (electron-builder's latest.yml, the installers and their blockmaps), so the
// team's desktop apps update from their own server. Range requests are honoured (electron-updater
// resumes and downloads differentially); there is no directory listing, dotfiles are never served,
// and @fastify/static (send) refuses any path that leaves the directory.
import { isAbsolute, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';

/** Content types electron-updater and browsers expect for what a release contains. */
const TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.exe': 'application/vnd.microsoft.portable-executable',
  '.blockmap': 'application/octet-stream',
  '.zip': 'application/zip',
  '.7z': 'application/x-7z-compressed',
  '.dmg': 'application/x-apple-diskimage',
  '.appimage': 'application/octet-stream',
};

export function updateFeedContentType(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 ? TYPES[file.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
}

export async function serveUpdateFeed(app: NestFastifyApplication, config: Config): Promise<boolean> {
  if (!config.TANDEM_UPDATES_DIR) return false;
  const root = isAbsolute(config.TANDEM_UPDATES_DIR) ? config.TANDEM_UPDATES_DIR : resolve(config.TANDEM_UPDATES_DIR);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/updates/',
    decorateReply: false,
    // Files are looked up per request: releases dropped in while the server runs are served at once.
    wildcard: true,
    index: false,
    list: false,
    dotfiles: 'deny',
    acceptRanges: true,
    cacheControl: false,
    setHeaders(reply, path) {
      void reply.header('content-type', updateFeedContentType(path));
      void reply.header('x-content-type-options', 'nosniff');
      // The feed's metadata changes with every release; installers never change under one name.
      void reply.header('cache-control', /\.ya?ml$/i.test(path) ? 'no-cache' : 'public, max-age=3600');
    },
  });
  return true;
}
