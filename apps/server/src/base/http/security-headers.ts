// Response headers that keep a browser from being turned against its user (the web client keeps
// tokens in localStorage, so script injection and framing are what matter most), and what the
// server accepts as a request body. Registered before any route, so every response carries them.
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';

/**
 * The Content-Security-Policy the built web client satisfies: its own scripts only (no inline
 * script, no eval), inline styles (the editor sets them), images and media from this server, data:
 * and blob: URLs (pasted images, previews) and the object store when files are served from it.
 */
export function contentSecurityPolicy(config: Config): Record<string, string[]> {
  const storage = config.s3 ? [new URL(config.s3.endpoint).origin] : [];
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...storage],
    'media-src': ["'self'", 'blob:', ...storage],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...storage],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export async function installSecurityHeaders(fastify: FastifyInstance, config: Config) {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      // Not `upgrade-insecure-requests`: a LAN deployment on plain http must keep working.
      directives: contentSecurityPolicy(config),
    },
    // Attachments may be shown by the desktop app, whose pages have another origin.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // Only meaningful over https; browsers ignore it on plain http.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  });
  // API answers carry tokens and private data: never stored by a browser or a shared cache. A route
  // that wants caching (file bytes) sets its own Cache-Control.
  fastify.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

/**
 * JSON routes take JSON: Fastify's built-in text/plain parser goes (form and text bodies then get
 * 415), and so would any type no route registered a parser for. Multipart uploads register theirs.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance, multipartPaths: readonly string[] = ['/api/v1/files']) {
  fastify.removeContentTypeParser('text/plain');
  // The multipart parser, once registered, would hand any route an empty body: only upload routes take it.
  fastify.addHook('onRequest', async (req, reply) => {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return;
    const path = req.url.split('?')[0]!;
    if (multipartPaths.includes(path)) return;
    return reply
      .status(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: { code: 'unsupported_media_type', message: 'This route takes a JSON body' } });
  });
}
