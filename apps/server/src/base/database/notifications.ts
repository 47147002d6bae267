// PostgreSQL LISTEN/NOTIFY: messages that reach every node of a deployment, with or without Redis,
// because every node shares the database — also from a process that has only the database (the
// `tandem` admin commands). A NOTIFY sent inside a transaction is delivered when it commits, so a
// listener never hears of a change it cannot yet read.
//
// One dedicated connection listens (a pooled one would be handed to someone else). It is pinged
// periodically; when it drops it is reopened with backoff and every onReconnect handler runs, since
// notifications sent while it was away are lost.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { logger } from '../logger/logger.js';
import { Database } from './database.js';

const log = logger('database');
const PING_EVERY_MS = 15_000;

export type NotificationHandler = (payload: string) => void;

/** Channels used with NOTIFY, in one place (lowercase identifiers: LISTEN folds case). */
export const NotifyChannels = {
  /** Sign-ins of a user that ended outside this process (admin commands); payload `{"userId"}`. */
  userRevoked: 'tandem_user_revoked',
} as const;

@Injectable()
export class DatabaseNotifications implements OnModuleInit, OnModuleDestroy {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private connecting: Promise<void> | null = null;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private failures = 0;
  private everConnected = false;
  private closed = false;

  constructor(@Inject(Database) private readonly db: Database) {}

  async onModuleInit() {
    await this.connect().catch(() => undefined);
    this.pingTimer = setInterval(() => void this.ping(), PING_EVERY_MS);
    this.pingTimer.unref();
  }

  async onModuleDestroy() {
    this.closed = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Calls `handler` with the payload of every NOTIFY on `channel`, from any process. */
  async listen(channel: string, handler: NotificationHandler): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      await this.client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch((err: Error) => this.lost(err));
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called after the listening connection was reopened: notifications may have been missed. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url, keepAlive: true, application_name: 'tandem-notifications' });
    client.on('error', (err) => this.lost(err, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    client.on('notification', (msg) => {
      for (const h of this.handlers.get(msg.channel) ?? []) {
        try {
          h(msg.payload ?? '');
        } catch (err) {
          log.error({ err, channel: msg.channel }, 'notification handler failed');
        }
      }
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.scheduleRetry(err as Error);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Also after a first attempt that failed: answers cached meanwhile may predate a revocation.
    const recovering = this.everConnected || this.failures > 0;
    this.failures = 0;
    if (recovering) {
      log.info('database notifications restored; re-checking what may have been missed');
      for (const h of this.reconnectHandlers) {
        try {
          h();
        } catch (err) {
          log.error({ err }, 'reconnect handler failed');
        }
      }
    }
    this.everConnected = true;
  }

  private async ping() {
    if (this.closed) return;
    if (!this.client) return void this.connect().catch(() => undefined);
    await this.client.query('SELECT 1').catch((err: Error) => this.lost(err));
  }

  private lost(err: Error, which: pg.Client | null = this.client) {
    if (this.closed || !which || which !== this.client) return;
    this.client = null;
    void which.end().catch(() => undefined);
    log.warn({ err: err.message }, 'database notifications connection lost; reconnecting');
    this.scheduleRetry(err);
  }

  private scheduleRetry(err: Error) {
    if (this.closed || this.retryTimer) return;
    this.failures++;
    if (this.failures > 1) log.debug({ err: err.message }, 'database notifications still unreachable');
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.connect().catch(() => undefined);
      },
      Math.min(this.failures * 250, 5000),
    );
    this.retryTimer.unref();
  }
}
