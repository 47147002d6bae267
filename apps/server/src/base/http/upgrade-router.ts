// One `upgrade` listener for the HTTP server, routing WebSocket upgrades by path to the gateway
// that registered it (/ws, /collab/:id). Checks the Origin allowlist before any gateway sees the
// request; unknown paths get 404. An overloaded node refuses upgrades first (HTTP 503 + Retry-After,
// see overload-guard.ts), before the rate limit, the Origin check or any token is looked at. Gateways authenticate in their handler and answer with
// `rejectUpgrade` (HTTP status + JSON error body) before the handshake when they refuse.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { ErrorCode } from '@tandem/protocol';
import { allowedOrigins, CONFIG, type Config } from '../config/config.js';
import { logger } from '../logger/logger.js';
import { OverloadGuard } from './overload-guard.js';

const log = logger('upgrade');

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, match: RegExpExecArray) => void;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export const UPGRADE_MARKER = 'X-Tandem-Upgrade';

/** Refuses an upgrade with an HTTP response in the API's error shape, then closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  // The marker header tells `tandem doctor` (and proxies' debuggers) that the upgrade request itself
  // reached Tandem: a proxy that drops upgrades turns it into a plain GET, which never gets it.
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${UPGRADE_MARKER}: reached\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

@Injectable()
export class UpgradeRouter {
  private readonly routes: { pattern: RegExp; handler: UpgradeHandler }[] = [];
  private readonly allowedOrigins: Set<string>;
  private readonly trustProxy: boolean;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly overload: OverloadGuard,
  ) {
    this.allowedOrigins = new Set(allowedOrigins(config));
    this.trustProxy = config.TANDEM_TRUST_PROXY;
  }

  /** `pattern` is matched against the path (without the query string). */
  register(pattern: RegExp, handler: UpgradeHandler) {
    this.routes.push({ pattern, handler });
  }

  /** Browsers send Origin: same-origin pages and allowlisted origins pass; other clients send none. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    if (this.allowedOrigins.has(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  /** The client's address as the HTTP rate limit sees it (X-Forwarded-For only behind a trusted proxy). */
  private addressOf(req: IncomingMessage): string {
    const forwarded = req.headers['x-forwarded-for'];
    if (this.trustProxy && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',')[0]!.trim();
    return req.socket.remoteAddress ?? 'unknown';
  }

  /** `admit`: the per-address budget shared with HTTP requests; an upgrade over it gets 429. */
  attach(server: Server, admit: (ip: string) => number | null = () => null) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', (err) => log.debug({ err: err.message }, 'upgrade socket error'));
      if (this.overload.overloaded) {
        this.overload.refused('upgrade');
        rejectUpgrade(socket, 503, 'unavailable', 'The server is overloaded; retry shortly', {
          'Retry-After': String(this.overload.retryAfterSeconds),
        });
        return;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const wait = admit(this.addressOf(req));
      if (wait !== null) {
        const seconds = String(Math.max(1, Math.ceil(wait)));
        rejectUpgrade(socket, 429, 'rate_limited', 'Too many requests', { 'Retry-After': seconds });
        return;
      }
      if (!this.originAllowed(req)) {
        rejectUpgrade(socket, 403, 'forbidden', 'Origin not allowed');
        return;
      }
      for (const route of this.routes) {
        const match = route.pattern.exec(path);
        if (match) {
          try {
            route.handler(req, socket, head, match);
          } catch (err) {
            log.error({ err, path }, 'upgrade handler failed');
            rejectUpgrade(socket, 503, 'unavailable', 'Internal error');
          }
          return;
        }
      }
      rejectUpgrade(socket, 404, 'not_found', 'Route not found');
    });
  }
}
