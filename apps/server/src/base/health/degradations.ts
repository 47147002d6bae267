// Optional services that can fail without taking the node down (e.g. Meilisearch, replaced by
// PostgreSQL search while unreachable) report here; /health/ready then answers 200 "degraded" and
// names them, instead of 503.
import { Injectable } from '@nestjs/common';

@Injectable()
export class Degradations {
  private readonly checks = new Map<string, () => boolean>();

  /** `healthy` is asked on every readiness check; false marks the node degraded. */
  register(name: string, healthy: () => boolean) {
    this.checks.set(name, healthy);
  }

  /** Each registered service and whether it is healthy now. */
  current(): Record<string, boolean> {
    return Object.fromEntries([...this.checks].map(([name, ok]) => [name, ok()]));
  }
}
