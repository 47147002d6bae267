import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../core/auth/current-user.js';
import { BUS, type Bus } from '../bus/bus.js';
import { Database } from '../database/database.js';
import { Metrics } from '../metrics/metrics.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { DataDisk } from './data-disk.js';
import { Degradations } from './degradations.js';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(BUS) private readonly bus: Bus,
    private readonly metrics: Metrics,
    private readonly degradations: Degradations,
    private readonly storage: ObjectStorage,
    private readonly disk: DataDisk,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /**
   * 503 while a dependency (database, bus, object storage) is unreachable; 200 "degraded" while an
   * optional one is (see Degradations) or while the data dir's disk is (nearly) full (`disk`, only
   * when this node writes there: see DataDisk) — reads still work there, writes get 507.
   */
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    const checks = {
      database: await this.db.ping(),
      bus: this.bus.healthy(),
      storage: await this.storage.check().then(
        () => true,
        () => false,
      ),
    };
    const ok = Object.values(checks).every(Boolean);
    const disk = await this.disk.healthy();
    const optional = { ...this.degradations.current(), ...(disk === null ? {} : { disk }) };
    const degraded = Object.values(optional).some((v) => !v);
    const status = !ok ? 'unavailable' : degraded ? 'degraded' : 'ok';
    void reply.status(ok ? 200 : 503).send({ status, checks: { ...checks, ...optional } });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText() {
    return this.metrics.registry.metrics();
  }
}
