// Load shedding. Past the point where the event loop keeps up, every extra request makes every
// request slower until clients time out and sockets are reset mid-handshake. The guard watches the
// event-loop delay (p99 over the last second) and, while it is over OVERLOAD_EVENT_LOOP_DELAY_MS,
// new REST requests get 503 `unavailable` with Retry-After and new WebSocket upgrades get HTTP 503
// with Retry-After before any auth work. Open sockets keep their rooms; /health and /metrics are
// always answered, so orchestrators and dashboards see the node as alive and busy, not dead.
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { CONFIG, type Config } from '../config/config.js';
import { logger } from '../logger/logger.js';
import { Metrics } from '../metrics/metrics.js';

const log = logger('overload');

/** The window the delay p99 is taken over. */
const WINDOW_MS = 1000;
/** Shedding stops once a window's p99 falls below this share of the threshold (no flapping at the edge). */
const RECOVER_SHARE = 0.5;

export type ShedKind = 'http' | 'upgrade';

@Injectable()
export class OverloadGuard implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly thresholdMs: number;
  readonly retryAfterSeconds: number;
  private delay: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastWindowAt = performance.now();
  private lastP99Ms = 0;
  private sheddingSince = 0;
  private shedInEpisode = 0;
  private readonly shed: Counter<'kind'>;

  constructor(@Inject(CONFIG) config: Config, metrics: Metrics) {
    this.thresholdMs = config.OVERLOAD_EVENT_LOOP_DELAY_MS;
    this.retryAfterSeconds = config.OVERLOAD_RETRY_AFTER_SECONDS;
    const guard = this;
    this.shed = new Counter({
      name: 'tandem_overload_shed_total',
      help: 'Requests (http) and socket upgrades (upgrade) refused with 503 because the node was overloaded',
      labelNames: ['kind'],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'tandem_overload_event_loop_delay_p99_seconds',
      help: 'Event-loop delay p99 over the last one-second window, as the overload guard sees it',
      registers: [metrics.registry],
      collect() {
        this.set(guard.lastP99Ms / 1000);
      },
    });
    new Gauge({
      name: 'tandem_overload_shedding',
      help: '1 while the node sheds new requests and upgrades, else 0',
      registers: [metrics.registry],
      collect() {
        this.set(guard.sheddingSince ? 1 : 0);
      },
    });
  }

  /** Measures from the end of start-up on: building the application is not overload. */
  onApplicationBootstrap() {
    if (this.thresholdMs === 0 || this.timer) return;
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.lastWindowAt = performance.now();
    this.timer = setInterval(() => this.closeWindow(), WINDOW_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    this.delay?.disable();
  }

  /** Whether new work should be refused now. */
  get overloaded(): boolean {
    if (!this.timer) return false;
    // A loop stalled longer than the threshold has not run the window timer yet: work queued
    // behind the stall arrives before the histogram says so.
    if (!this.sheddingSince && performance.now() - this.lastWindowAt > WINDOW_MS + this.thresholdMs) {
      this.start(performance.now() - this.lastWindowAt - WINDOW_MS);
    }
    return this.sheddingSince !== 0;
  }

  /** Counts one refused request or upgrade. */
  refused(kind: ShedKind) {
    this.shed.inc({ kind });
    this.shedInEpisode++;
  }

  private closeWindow() {
    const now = performance.now();
    const d = this.delay!;
    const stalledMs = now - this.lastWindowAt - WINDOW_MS;
    this.lastWindowAt = now;
    // One long stall is a single sample among a hundred: p99 alone would miss it.
    this.lastP99Ms = d.count > 0 ? Math.max(d.percentile(99) / 1e6, stalledMs) : Math.max(0, stalledMs);
    d.reset();
    if (!this.sheddingSince && this.lastP99Ms > this.thresholdMs) this.start(this.lastP99Ms);
    else if (this.sheddingSince && this.lastP99Ms < this.thresholdMs * RECOVER_SHARE) this.stop();
  }

  private start(delayMs: number) {
    this.sheddingSince = Date.now();
    this.shedInEpisode = 0;
    log.warn(
      { eventLoopDelayMs: Math.round(delayMs), thresholdMs: this.thresholdMs },
      'overloaded: shedding new requests and socket upgrades with 503',
    );
  }

  private stop() {
    log.warn(
      { eventLoopDelayMs: Math.round(this.lastP99Ms), refused: this.shedInEpisode, forMs: Date.now() - this.sheddingSince },
      'load back under the limit: accepting requests and socket upgrades again',
    );
    this.sheddingSince = 0;
  }
}
