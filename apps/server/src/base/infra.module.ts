// Infrastructure shared by every feature module (global): config, database (and its LISTEN/NOTIFY), bus, events, mail,
// metrics, object storage, health, Idempotency-Key replay. Built from values opened before Nest starts (see server.ts).
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { BUS, type Bus } from './bus/bus.js';
import { CONFIG, type Config } from './config/config.js';
import { Database, PrismaClient } from './database/database.js';
import { DatabaseNotifications } from './database/notifications.js';
import { ChangeClock } from './events/change-clock.js';
import { DomainEvents } from './events/domain-events.js';
import { DataDisk } from './health/data-disk.js';
import { Degradations } from './health/degradations.js';
import { HealthController } from './health/health.controller.js';
import { ServerInfoController } from './health/server-info.controller.js';
import { IdempotencyInterceptor } from './http/idempotency.js';
import { OverloadGuard } from './http/overload-guard.js';
import { SocketLimits } from './http/socket-limits.js';
import { UpgradeRouter } from './http/upgrade-router.js';
import { JobRegistry } from './jobs/job-registry.js';
import { JobScheduler } from './jobs/job-scheduler.js';
import { Mailer } from './mail/mailer.js';
import { Metrics } from './metrics/metrics.js';
import { ObjectStorage } from './storage/object-storage.js';

export interface Infra {
  config: Config;
  db: Database;
  bus: Bus;
  metrics: Metrics;
  storage: ObjectStorage;
}

@Global()
@Module({})
export class InfraModule {
  static forRoot(infra: Infra): DynamicModule {
    return {
      module: InfraModule,
      controllers: [HealthController, ServerInfoController],
      providers: [
        { provide: CONFIG, useValue: infra.config },
        { provide: Database, useValue: infra.db },
        { provide: PrismaClient, useValue: infra.db.prisma },
        { provide: BUS, useValue: infra.bus },
        { provide: Metrics, useValue: infra.metrics },
        { provide: ObjectStorage, useValue: infra.storage },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        DatabaseNotifications,
        ChangeClock,
        DomainEvents,
        Mailer,
        UpgradeRouter,
        OverloadGuard,
        SocketLimits,
        JobRegistry,
        JobScheduler,
        Degradations,
        DataDisk,
      ],
      exports: [
        CONFIG,
        Database,
        PrismaClient,
        BUS,
        Metrics,
        ObjectStorage,
        DatabaseNotifications,
        ChangeClock,
        DomainEvents,
        Mailer,
        UpgradeRouter,
        OverloadGuard,
        SocketLimits,
        JobRegistry,
        JobScheduler,
        Degradations,
      ],
    };
  }
}
