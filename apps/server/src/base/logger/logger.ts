// The one logger: structured JSON (pino) carrying the request id and user id of the current request.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { type Logger, pino } from 'pino';

export interface RequestContext {
  requestId: string;
  userId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

let root: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { svc: 'tandem' } });
let generation = 0;

export function configureLogger(level: string): Logger {
  generation++;
  root = pino({
    level,
    base: { svc: 'tandem', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = requestContext.getStore();
      return ctx ? { reqId: ctx.requestId, userId: ctx.userId } : {};
    },
  });
  return root;
}

/**
 * A logger for one part of the server: `const log = logger('collab'); log.info({ docId }, 'loaded')`.
 * Safe to create at module load: it follows configureLogger() made later.
 */
export function logger(component: string): Logger {
  let cached: Logger | null = null;
  let seen = -1;
  const current = () => {
    if (seen !== generation || !cached) {
      cached = root.child({ component });
      seen = generation;
    }
    return cached;
  };
  return new Proxy({} as Logger, {
    get(_, prop) {
      const l = current();
      const v = Reflect.get(l, prop, l);
      return typeof v === 'function' ? v.bind(l) : v;
    },
  });
}

/** Routes Nest's own log lines into the same JSON stream. */
export class NestLogger implements LoggerService {
  private readonly log_ = () => root.child({ component: 'nest' });
  log(message: unknown, context?: string) {
    this.log_().info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.log_().error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.log_().warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.log_().debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.log_().trace({ context }, String(message));
  }
}
