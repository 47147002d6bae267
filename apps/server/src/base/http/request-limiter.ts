// The per-address HTTP request limit (RATE_LIMIT_PER_MINUTE) across nodes: with REDIS_URL the count
// lives in Redis, so requests spread over a deployment's nodes count against one budget (each node
// also keeps its own in-memory count in http-setup.ts, which WebSocket upgrades share). While
// Redis is unreachable each node falls back to counting in memory rather than refusing or letting
// everything through; a Redis that stops answering counts as unreachable (redis-heartbeat.ts), so
// no request waits on it.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { REDIS_COMMAND_TIMEOUT_MS, watchRedis } from '../bus/redis-heartbeat.js';
import type { Config } from '../config/config.js';

export interface RequestLimiter {
  /** Counts one request from `key`; resolves to the seconds to wait when over the limit, else null. */
  hit(key: string): Promise<number | null>;
  close(): Promise<void>;
}

export function createRequestLimiter(config: Config): RequestLimiter | null {
  if (!config.REDIS_URL) return null;
  const points = config.RATE_LIMIT_PER_MINUTE;
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  redis.on('error', () => undefined); // the bus reports Redis health; here the memory fallback takes over
  const stopHeartbeat = watchRedis(redis, 'rate limiter');
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: 60,
    keyPrefix: `${config.REDIS_CHANNEL_PREFIX}tandem:rl`,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
  });
  return {
    async hit(key) {
      try {
        await limiter.consume(key);
        return null;
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext / 1000);
        return null; // the store failed without an insurance answer: let the request through
      }
    },
    async close() {
      stopHeartbeat();
      redis.disconnect();
    },
  };
}
