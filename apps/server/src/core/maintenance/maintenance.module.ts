// Scheduled cleanup: registers the housekeeping jobs with the one job registry (the scheduler runs
// each under an advisory lock, so one node does it).
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { Database } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { expiredCredentialsJob } from './expired-credentials.job.js';
import { historyThinningJob } from './history-thinning.job.js';
import { trashRetentionJob } from './trash-retention.job.js';

@Module({})
export class MaintenanceModule implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly db: Database,
    private readonly events: DomainEvents,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    const every = this.config.CLEANUP_INTERVAL_MINUTES * 60_000;
    this.jobs.register(expiredCredentialsJob(this.db.pool, every));
    this.jobs.register(trashRetentionJob(this.db.pool, this.events, this.config.TRASH_RETENTION_DAYS, every));
    this.jobs.register(historyThinningJob(this.db.pool, every));
  }
}
