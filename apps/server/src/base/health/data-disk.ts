// The disk under TANDEM_DATA_DIR, when this node writes there: uploaded files on the local store
// (<dir>/files) and the embedded PostgreSQL (<dir>/postgres). Once it is (nearly) full, uploads and
// writes are refused with 507; readiness says so ("degraded", `disk: false`: reads still work, so
// the node stays in rotation) and /metrics shows the free bytes, so an admin can see it coming.
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { CONFIG, type Config } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { ObjectStorage } from '../storage/object-storage.js';

/** Less free than this and the disk counts as full: a WAL segment of PostgreSQL is 16 MiB. */
export const LOW_DISK_BYTES = 64 * 1024 * 1024;

@Injectable()
export class DataDisk {
  /** The directories this node writes to on its own disk (none with S3 and an external database). */
  readonly paths: string[];

  constructor(@Inject(CONFIG) config: Config, storage: ObjectStorage, metrics: Metrics) {
    this.paths = [
      ...(storage.kind === 'local' ? [join(config.dataDir, 'files')] : []),
      ...(config.embeddedDatabase ? [join(config.dataDir, 'postgres')] : []),
    ];
    if (this.paths.length === 0) return;
    const disk = this;
    new Gauge({
      name: 'tandem_data_disk_free_bytes',
      help: 'Bytes free for Tandem on the disk of TANDEM_DATA_DIR (the least of its files and embedded PostgreSQL directories)',
      registers: [metrics.registry],
      async collect() {
        const free = await disk.freeBytes();
        if (free !== null) this.set(free);
      },
    });
  }

  /** The least free space (for an unprivileged writer) over the directories, or null when none is on this node's disk. */
  async freeBytes(): Promise<number | null> {
    if (this.paths.length === 0) return null;
    const free = await Promise.all(
      this.paths.map((p) =>
        statfs(p).then(
          (s) => s.bavail * s.bsize,
          () => null,
        ),
      ),
    );
    const known = free.filter((f): f is number => f !== null);
    return known.length ? Math.min(...known) : null;
  }

  /** False while less than LOW_DISK_BYTES are free; null when this node keeps nothing on its disk. */
  async healthy(): Promise<boolean | null> {
    const free = await this.freeBytes();
    return free === null ? null : free >= LOW_DISK_BYTES;
  }
}
