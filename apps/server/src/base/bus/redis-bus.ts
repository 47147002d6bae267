// Redis pub/sub bus (REDIS_URL): msgpack on the wire. While Redis is away, local delivery continues
// (this node's own subscribers still get messages), the node reports not-ready, and after the
// reconnect every onResync handler runs so state that may have missed messages is rebuilt.
// A Redis that stops answering without closing the connection counts as lost (redis-heartbeat.ts).
import { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import { logger } from '../logger/logger.js';
import type { Bus, BusHandler } from './bus.js';
import { REDIS_COMMAND_TIMEOUT_MS, watchRedis } from './redis-heartbeat.js';

const log = logger('bus');
const packr = new Packr({ useRecords: false, moreTypes: false });

export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly resyncHandlers: (() => void)[] = [];
  private lostConnection = false;
  private closed = false;
  private readonly stopHeartbeats: (() => void)[];

  private constructor(
    url: string,
    private readonly prefix: string,
  ) {
    const opts = {
      autoResubscribe: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      // A publish to a Redis that does not answer fails in bounded time and is delivered locally.
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      retryStrategy: (n: number) => Math.min(n * 200, 2000),
    };
    this.pub = new Redis(url, { ...opts, lazyConnect: true });
    this.sub = new Redis(url, { ...opts, lazyConnect: true });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.deliver(channel.toString().slice(this.prefix.length), message));
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', (err) => log.debug({ err: err.message }, 'redis error'));
      conn.on('close', () => {
        if (!this.lostConnection && !this.closed) log.warn('redis connection lost; serving local rooms only until it returns');
        this.lostConnection = true;
      });
    }
    this.pub.on('ready', () => this.restored());
    this.sub.on('ready', () => this.restored());
    this.stopHeartbeats = [watchRedis(this.pub, 'bus publisher'), watchRedis(this.sub, 'bus subscriber')];
  }

  /**
   * Both connections are back after a loss: subscribe again (a restarted Redis forgot us), then let
   * every resync handler rebuild what may have been missed. Waiting for both matters: a handler
   * that republishes state while `pub` is still down would only reach this node.
   */
  private restored() {
    if (!this.lostConnection || !this.healthy()) return;
    this.lostConnection = false;
    log.info('redis connection restored; resyncing');
    const channels = [...this.handlers.keys()].map((c) => this.prefix + c);
    const resubscribe = channels.length ? this.sub.subscribe(...channels) : Promise.resolve(0);
    resubscribe.then(
      () => {
        for (const h of this.resyncHandlers) {
          try {
            h();
          } catch (err) {
            log.error({ err }, 'resync handler failed');
          }
        }
      },
      (err) => log.warn({ err: (err as Error).message }, 'resubscribe failed; retrying on the next reconnect'),
    );
  }

  static async connect(url: string, prefix = ''): Promise<RedisBus> {
    const bus = new RedisBus(url, prefix);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    return bus;
  }

  private deliver(channel: string, raw: Buffer) {
    const set = this.handlers.get(channel);
    if (!set || set.size === 0) return;
    let message: unknown;
    try {
      message = packr.unpack(raw);
    } catch (err) {
      log.warn({ channel, err }, 'undecodable bus message dropped');
      return;
    }
    for (const h of set) h(message, channel);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const raw = packr.pack(message);
    if (this.pub.status === 'ready') {
      try {
        await this.pub.publish(this.prefix + channel, raw);
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, channel }, 'redis publish failed; delivering locally');
      }
    }
    // Redis unreachable: keep serving this node's subscribers.
    queueMicrotask(() => this.deliver(channel, raw));
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      await this.sub
        .subscribe(this.prefix + channel)
        .catch((err) => log.warn({ err: err.message, channel }, 'subscribe deferred until redis returns'));
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.sub.unsubscribe(this.prefix + channel).catch(() => undefined);
      }
    };
  }

  healthy(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stopHeartbeats) stop();
    this.handlers.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
