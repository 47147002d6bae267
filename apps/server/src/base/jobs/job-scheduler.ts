// Runs the registered jobs on their intervals. Each run holds a session-level PostgreSQL advisory
// lock keyed by the job's name on a connection of its own, so with several nodes exactly one runs
// a given job at a time (the others skip that tick). Every run is logged with its counts.
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Database } from '../database/database.js';
import { logger } from '../logger/logger.js';
import { JobRegistry, type ScheduledJob } from './job-registry.js';

const log = logger('jobs');

@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<string>();

  constructor(
    private readonly registry: JobRegistry,
    private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    for (const job of this.registry.list()) {
      const timer = setInterval(() => void this.runNow(job.name), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  /**
   * One pass of `name` if no node is running it: the counts it returned, or null when another
   * run (here or on another node) holds the job.
   */
  async runNow(name: string): Promise<Record<string, number> | null> {
    const job = this.registry.get(name);
    if (!job) throw new Error(`no job named ${name}`);
    if (this.running.has(name)) return null;
    this.running.add(name);
    try {
      return await this.underLock(job);
    } catch (err) {
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
      if (!got.rows[0]?.ok) return null;
      try {
        const started = Date.now();
        const counts = await job.run();
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
