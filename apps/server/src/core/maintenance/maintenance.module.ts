// Scheduled cleanup: registers the housekeeping jobs with the one job registry (the scheduler runs
// each under an advisory lock, so one node does it).
import { Inject, Module, type OnModuleInit, Optional } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { Database } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import { SERVER_VERSION } from '../../base/version.js';
import { expiredCredentialsJob } from './expired-credentials.job.js';
import { historyThinningJob } from './history-thinning.job.js';
import { scheduledBackupJob } from './scheduled-backup.job.js';
import { trashRetentionJob } from './trash-retention.job.js';

@Module({})
export class MaintenanceModule implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly db: Database,
    private readonly events: DomainEvents,
    private readonly jobs: JobRegistry,
    @Optional() private readonly storage?: ObjectStorage,
  ) {}

  onModuleInit(): void {
    const every = this.config.CLEANUP_INTERVAL_MINUTES * 60_000;
    this.jobs.register(expiredCredentialsJob(this.db.pool, every));
    this.jobs.register(trashRetentionJob(this.db.pool, this.events, this.config.TRASH_RETENTION_DAYS, every));
    this.jobs.register(historyThinningJob(this.db.pool, every));
    if (this.config.BACKUP_DIR && this.config.BACKUP_CRON) {
      this.jobs.register(
        scheduledBackupJob({
          databaseUrl: this.db.url,
          storage: this.storage ?? null,
          dir: this.config.BACKUP_DIR,
          cron: this.config.BACKUP_CRON,
          keep: this.config.BACKUP_KEEP,
          tandemVersion: SERVER_VERSION,
        }),
      );
    }
  }
}
