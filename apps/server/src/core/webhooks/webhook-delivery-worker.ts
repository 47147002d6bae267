// Delivers the webhook outbox. Every node runs this loop; each claims a batch of due rows with
// FOR UPDATE SKIP LOCKED and a lease (lockedUntil), so each delivery goes out from one node at a
// time, and a node killed mid-delivery leaves a lease that expires: another node (or the same one,
// restarted) sends it again. At least once; receivers dedupe by X-Tandem-Delivery.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { logger } from '../../base/logger/logger.js';
import { sendDelivery } from './webhook-sender.js';

const log = logger('webhooks');
const BATCH = 50;
const IDLE_POLL_MS = 250;
const MAX_BACKOFF_MS = 3600_000;
const MAX_IN_FLIGHT = 200;
/** How long successes gather before they are recorded in one statement. */
const FLUSH_MS = 20;

interface Claimed {
  id: string;
  event: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
}

/** Wait before attempt n+1 after n failed attempts: 1 s, 2 s, 4 s … capped at an hour. */
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));

@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  // Successes are recorded together, one statement per few milliseconds, not one per delivery.
  private succeeded: { id: string; status: number }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap() {
    this.loop = this.run();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await this.flushSucceeded();
  }

  private async run() {
    while (!this.stopped) {
      let claimed: Claimed[] = [];
      try {
        claimed = await this.claim();
      } catch (err) {
        if (!this.stopped) log.warn({ err: (err as Error).message }, 'could not claim webhook deliveries');
      }
      for (const d of claimed) {
        const p = this.deliver(d).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
      // A slow receiver must not pile up unbounded requests in flight; a full batch means more are
      // due, claimed while these are still being sent.
      while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race([...this.inFlight]);
      if (claimed.length < BATCH) await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
    await Promise.allSettled([...this.inFlight]);
    await this.flushSucceeded();
  }

  private claim(): Promise<Claimed[]> {
    // Long enough for one attempt to time out and be recorded; a dead node's rows come back after it.
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS * 2 + 5000;
    return this.prisma.$queryRaw<Claimed[]>`
      WITH due AS (
        SELECT id FROM "WebhookDelivery"
        WHERE status = 'pending' AND "nextAttemptAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
        ORDER BY "nextAttemptAt" LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "WebhookDelivery" d
      SET "lockedUntil" = now() + ${leaseMs} * interval '1 millisecond', attempts = d.attempts + 1
      FROM due, "Webhook" w
      WHERE d.id = due.id AND w.id = d."webhookId"
      RETURNING d.id, d.event, d.payload, d.attempts, w.url, w.secret`;
  }

  private async deliver(d: Claimed) {
    const outcome = await sendDelivery({
      url: d.url,
      body: JSON.stringify(d.payload),
      secret: d.secret,
      event: d.event,
      deliveryId: d.id,
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: this.config.WEBHOOK_RESPONSE_MAX_BYTES,
      allowPrivate: this.config.TANDEM_WEBHOOK_ALLOW_PRIVATE,
    });
    if (outcome.ok) {
      this.succeeded.push({ id: d.id, status: outcome.status ?? 200 });
      this.flushing ??= new Promise<void>((r) => setTimeout(r, FLUSH_MS)).then(() => this.flushSucceeded());
      return this.flushing;
    }
    const giveUp = outcome.refused || d.attempts >= this.config.WEBHOOK_MAX_ATTEMPTS;
    const status = giveUp ? 'failed' : 'pending';
    log.info({ deliveryId: d.id, attempts: d.attempts, error: outcome.error }, 'webhook delivery failed');
    try {
      await this.prisma.webhookDelivery.update({
        where: { id: d.id },
        data: {
          status,
          lockedUntil: null,
          responseStatus: outcome.status,
          lastError: outcome.error,
          deliveredAt: null,
          nextAttemptAt: status === 'pending' ? new Date(Date.now() + backoffMs(d.attempts)) : undefined,
        },
      });
    } catch (err) {
      // Deleted meanwhile (its webhook was removed), or the database is away: the lease runs out and it is retried.
      log.debug({ deliveryId: d.id, err: (err as Error).message }, 'could not record a webhook delivery');
    }
  }

  private async flushSucceeded(): Promise<void> {
    const done = this.succeeded;
    this.succeeded = [];
    this.flushing = null;
    if (!done.length) return;
    try {
      // Rows deleted meanwhile (their webhook was removed) simply match nothing.
      await this.prisma.$executeRaw`
        UPDATE "WebhookDelivery" d
        SET status = 'succeeded', "lockedUntil" = NULL, "responseStatus" = v.status, "lastError" = NULL, "deliveredAt" = now()
        FROM unnest(${done.map((x) => x.id)}::uuid[], ${done.map((x) => x.status)}::int[]) AS v(id, status)
        WHERE d.id = v.id`;
    } catch (err) {
      // The database is away: the leases run out and these are sent again (at least once).
      log.warn({ deliveries: done.length, err: (err as Error).message }, 'could not record webhook deliveries');
    }
  }
}
