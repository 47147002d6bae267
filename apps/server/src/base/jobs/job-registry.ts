// The one place for scheduled background work. Feature modules register their jobs here (in
// onModuleInit); the scheduler runs each on its interval, under a PostgreSQL advisory lock so that
// exactly one node runs a given job at a time, and logs what each run did.
import { Injectable } from '@nestjs/common';

export interface ScheduledJob {
  /** Stable name: also the advisory-lock key and the metrics label. */
  name: string;
  /** How often to run, in milliseconds (or see `cron`). */
  everyMs?: number;
  /** A cron expression (`0 3 * * *`) instead of an interval. */
  cron?: string;
  /** Does one pass; returns counts of what it did (logged and exported as metrics). */
  run(): Promise<Record<string, number>>;
}

@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, ScheduledJob>();

  register(job: ScheduledJob): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  list(): ScheduledJob[] {
    return [...this.jobs.values()];
  }

  get(name: string): ScheduledJob | undefined {
    return this.jobs.get(name);
  }
}
