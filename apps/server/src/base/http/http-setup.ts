// Fastify-level behaviour: request ids and logging context, load shedding (overload-guard.ts),
// per-IP rate limit (Redis-backed when REDIS_URL is set, see request-limiter.ts), metrics, CORS,
// the web client's static files, and the OpenAPI document.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import { logger, requestContext } from '../logger/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { OverloadGuard } from './overload-guard.js';
import { createRequestLimiter } from './request-limiter.js';

const UNLIMITED = /^\/(health|metrics)/;
const accessLog = logger('http');

/**
 * The per-address request budget (RATE_LIMIT_PER_MINUTE), shared by HTTP requests and WebSocket
 * upgrades (see UpgradeRouter): a client cannot step around it by opening sockets instead.
 * Returns the seconds to wait when `ip` is over its budget, else null.
 */
export type AddressAdmission = (ip: string) => number | null;

export function installHttpHooks(app: NestFastifyApplication, config: Config, metrics: Metrics, overload: OverloadGuard): AddressAdmission {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const windows = new Map<string, { start: number; count: number }>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, w] of windows) if (now - w.start > 60_000) windows.delete(k);
  }, 60_000);
  sweep.unref();
  fastify.addHook('onClose', async () => clearInterval(sweep));
  const sharedLimiter = createRequestLimiter(config);
  if (sharedLimiter) fastify.addHook('onClose', async () => sharedLimiter.close());
  const admit: AddressAdmission = (ip) => {
    const now = Date.now();
    let w = windows.get(ip);
    if (!w || now - w.start > 60_000) windows.set(ip, (w = { start: now, count: 0 }));
    return ++w.count > config.RATE_LIMIT_PER_MINUTE ? (w.start + 60_000 - now) / 1000 : null;
  };

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    void reply.header('x-request-id', req.id);
    (req as FastifyRequest & { startedAt: bigint }).startedAt = process.hrtime.bigint();
    if (!UNLIMITED.test(req.url)) {
      // Refused before anything else is spent on it: that is the point of shedding.
      if (overload.overloaded) {
        overload.refused('http');
        done(AppError.unavailable('The server is overloaded; retry shortly', overload.retryAfterSeconds));
        return;
      }
      const wait = admit(req.ip);
      if (wait !== null) {
        done(AppError.rateLimited(wait));
        return;
      }
    }
    // With Redis, the same budget is also counted across every node of the deployment.
    if (!sharedLimiter || UNLIMITED.test(req.url)) {
      requestContext.run({ requestId: req.id }, done);
      return;
    }
    void sharedLimiter.hit(req.ip).then((wait) => {
      if (wait !== null) done(AppError.rateLimited(wait));
      else requestContext.run({ requestId: req.id }, done);
    });
  });

  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const started = (req as FastifyRequest & { startedAt?: bigint }).startedAt;
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    const seconds = started ? Number(process.hrtime.bigint() - started) / 1e9 : 0;
    metrics.httpDuration.observe({ method: req.method, route }, seconds);
    if (!UNLIMITED.test(req.url)) {
      accessLog.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(seconds * 10_000) / 10 }, 'request');
    }
    done();
  });
  return admit;
}

export function requestIdGenerator(req: { headers: Record<string, unknown> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

export function setupOpenApi(app: INestApplication) {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tandem API')
      .setDescription(
        [
          'Tasks, documents and realtime collaboration. Errors: { error: { code, message, details? } }.',
          '',
          '**Authentication.** Send `Authorization: Bearer <token>` with either an access token from',
          '`POST /api/v1/auth/login`, or a **personal API token** for scripts and integrations: create one on',
          'your account page (or `POST /api/v1/me/tokens {name, scope: "read"|"write", expiresAt?}`). It starts',
          'with `tdm_`, is shown once, and acts with your permissions: a `read` token gets 403 on any write,',
          'and no token can manage tokens, sessions or your password. Revoke it with `DELETE /api/v1/me/tokens/{id}`.',
          '',
          'Example: `curl -H "Authorization: Bearer tdm_…" https://tandem.example.com/api/v1/workspaces`',
        ].join('\n'),
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An access token, or a personal API token (tdm_…)' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
}

/** The built web client (apps/web/dist), served at / with SPA fallback. */
export async function serveWebClient(app: NestFastifyApplication, config: Config) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = config.TANDEM_WEB_DIR ?? join(here, '..', '..', '..', '..', 'web', 'dist');
  if (!existsSync(join(dir, 'index.html'))) return false;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  await fastify.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
  return true;
}

export function isApiPath(url: string) {
  return /^\/(api|ws|collab|health|metrics|updates)(\/|\?|$)/.test(url);
}
