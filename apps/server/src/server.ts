// Assembles one Tandem node: opens the database (embedded or DATABASE_URL), the bus (in-process or
// Redis), then the Nest application on Fastify. Used by main.ts and by the tests.
import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppModule } from './app.module.js';
import { backupBeforeMigrating } from './base/backup/pre-migration-backup.js';
import type { Bus } from './base/bus/bus.js';
import { InProcessBus } from './base/bus/in-process-bus.js';
import { RedisBus } from './base/bus/redis-bus.js';
import { allowedOrigins, type Config } from './base/config/config.js';
import { Database } from './base/database/database.js';
import { AppErrorFilter } from './base/errors/error.filter.js';
import { installHttpHooks, isApiPath, requestIdGenerator, serveWebClient, setupOpenApi } from './base/http/http-setup.js';
import { OverloadGuard } from './base/http/overload-guard.js';
import { acceptJsonBodiesOnly, installSecurityHeaders } from './base/http/security-headers.js';
import { serveUpdateFeed } from './base/http/update-feed.js';
import { UpgradeRouter } from './base/http/upgrade-router.js';
import { configureLogger, logger, NestLogger } from './base/logger/logger.js';
import { Metrics } from './base/metrics/metrics.js';
import { tokenSecret } from './base/secrets.js';
import { openObjectStorage } from './base/storage/open-object-storage.js';

export interface TandemServer {
  app: NestFastifyApplication;
  url: string;
  port: number;
  db: Database;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<TandemServer> {
  configureLogger(config.LOG_LEVEL);
  const log = logger('server');
  const storage = await openObjectStorage(config);
  const backupDir = config.BACKUP_DIR;
  const db = await Database.open(config, {
    beforeMigrating: backupDir
      ? (databaseUrl, pending) => backupBeforeMigrating({ databaseUrl, storage, dir: backupDir, pending })
      : undefined,
  });
  let bus: Bus | null = null;
  let app: NestFastifyApplication | null = null;
  try {
    bus = config.REDIS_URL ? await RedisBus.connect(config.REDIS_URL, config.REDIS_CHANNEL_PREFIX) : new InProcessBus();
    const secret = await tokenSecret(db.prisma, config.TANDEM_SECRET);
    const metrics = new Metrics();
    db.registerMetrics(metrics.registry);
    const adapter = new FastifyAdapter({
      bodyLimit: config.BODY_LIMIT_BYTES,
      genReqId: requestIdGenerator as never,
      trustProxy: config.TANDEM_TRUST_PROXY,
      return503OnClosing: true,
      // A client that goes silent mid-request (or never finishes its headers) is dropped, not kept.
      connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
      // Announced to clients (Keep-Alive: timeout=…), so they stop reusing a connection before it is dropped.
      keepAliveTimeout: Math.max(500, Math.min(72_000, config.HTTP_IDLE_TIMEOUT_MS - 1000)),
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, db, bus, metrics, storage }, secret), adapter, {
      logger: new NestLogger(),
      bufferLogs: false,
      abortOnError: false,
      // No form-encoded parser: JSON routes answer other body types with 415 (see acceptJsonBodiesOnly).
      bodyParser: false,
    });
    app.useGlobalFilters(new AppErrorFilter());
    app.enableCors({
      origin: allowedOrigins(config).length > 0 ? allowedOrigins(config) : false,
      credentials: false,
      exposedHeaders: ['x-request-id', 'retry-after'],
    });
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    fastify.server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
    acceptJsonBodiesOnly(fastify);
    await installSecurityHeaders(fastify, config);
    const admitAddress = installHttpHooks(app, config, metrics, app.get(OverloadGuard));
    // Uploads stream through busboy; FileUploader enforces the size limit itself (413 while streaming).
    await app.register(multipart as never, {
      limits: { fileSize: config.UPLOAD_LIMIT_BYTES + 1, files: 1, fields: 8, fieldSize: 1024, parts: 10, headerPairs: 50 },
    });
    setupOpenApi(app);
    await serveUpdateFeed(app, config);
    const hasWeb = await serveWebClient(app, config);
    if (hasWeb) {
      // Client-side routes fall back to index.html; API paths keep the JSON 404. A catch-all route
      // rather than a not-found handler: Nest installs its own not-found handler at init.
      fastify.get('/*', (req, reply) => {
        if (!isApiPath(req.url) && (req.headers.accept ?? '').includes('text/html')) return reply.sendFile('index.html');
        return reply.status(404).send({ error: { code: 'not_found', message: 'Route not found' } });
      });
    }
    app.get(UpgradeRouter).attach(fastify.server, admitAddress);
    await app.init();
    await app.listen(config.PORT, config.HOST);
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    const url = `http://${host}:${port}`;
    log.info({ url, embeddedDatabase: config.embeddedDatabase, redis: !!config.REDIS_URL, web: hasWeb }, 'Tandem is listening');
    let closing: Promise<void> | null = null;
    const openApp = app;
    const openBus = bus;
    return {
      app,
      url,
      port,
      db,
      close() {
        closing ??= (async () => {
          await openApp.close().catch((err) => log.error({ err }, 'closing the application failed'));
          await openBus.close().catch(() => undefined);
          await db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await db.close();
    throw err;
  }
}
