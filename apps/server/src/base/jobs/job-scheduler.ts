// Runs the registered jobs on their intervals or cron schedules. Each run holds a session-level
// PostgreSQL advisory lock keyed by the job's name on a connection of its own, so with several
// nodes exactly one runs a given job at a time (the others skip that tick). Every run is logged with
// its counts and counted in /metrics.
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Cron } from 'croner';
import { Counter } from 'prom-client';
import { Database } from '../database/database.js';
import { logger } from '../logger/logger.js';
import { Metrics } from '../metrics/metrics.js';
import { JobRegistry, type ScheduledJob } from './job-registry.js';

const log = logger('jobs');

@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stops: (() => void)[] = [];
  private readonly running = new Set<string>();
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly items: Counter<'job' | 'item'>;

  constructor(
    private readonly registry: JobRegistry,
    private readonly db: Database,
    metrics: Metrics,
  ) {
    this.runs = new Counter({
      name: 'tandem_job_runs_total',
      help: 'Scheduled job runs by outcome (done, skipped: another node held it, failed)',
      labelNames: ['job', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.items = new Counter({
      name: 'tandem_job_items_total',
      help: 'What scheduled jobs did (rows deleted, files removed, …)',
      labelNames: ['job', 'item'] as const,
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    for (const job of this.registry.list()) {
      const tick = () => void this.runNow(job.name);
      if (job.cron) {
        const cron = new Cron(job.cron, { unref: true, protect: true }, tick);
        this.stops.push(() => cron.stop());
      } else if (job.everyMs) {
        const timer = setInterval(tick, job.everyMs);
        timer.unref();
        this.stops.push(() => clearInterval(timer));
      }
    }
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
    this.stops.length = 0;
  }

  /**
   * One pass of `name` if no node is running it: the counts it returned, or null when another
   * run (here or on another node) holds the job. A failing job is logged, counted and rethrown.
   */
  async runNow(name: string): Promise<Record<string, number> | null> {
    const job = this.registry.get(name);
    if (!job) throw new Error(`no job named ${name}`);
    if (this.running.has(name)) {
      this.runs.inc({ job: name, outcome: 'skipped' });
      return null;
    }
    this.running.add(name);
    try {
      return await this.underLock(job);
    } catch (err) {
      this.runs.inc({ job: name, outcome: 'failed' });
      log.error({ err, job: name }, 'job failed');
      return null;
    } finally {
      this.running.delete(name);
    }
  }

  private async underLock(job: ScheduledJob): Promise<Record<string, number> | null> {
    const client = await this.db.pool.connect();
    try {
      const got = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('tandem.job'), hashtext($1)) AS ok`, [
        job.name,
      ]);
      if (!got.rows[0]?.ok) {
        this.runs.inc({ job: job.name, outcome: 'skipped' });
        return null;
      }
      try {
        const started = Date.now();
        const counts = await job.run();
        this.runs.inc({ job: job.name, outcome: 'done' });
        for (const [item, n] of Object.entries(counts)) this.items.inc({ job: job.name, item }, n);
        log.info({ job: job.name, ms: Date.now() - started, ...counts }, 'job ran');
        return counts;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('tandem.job'), hashtext($1))`, [job.name]);
      }
    } finally {
      client.release();
    }
  }
}
