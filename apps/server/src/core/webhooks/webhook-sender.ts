// One delivery attempt: POST the signed body, bounded in time and in how much of the answer is read.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ForbiddenTarget, guardedLookup, isPrivateAddress } from './webhook-target.js';

export interface DeliveryRequest {
  url: string;
  body: string;
  secret: string;
  event: string;
  deliveryId: string;
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivate: boolean;
}

export interface DeliveryOutcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** The target itself is refused (never retried). */
  refused?: boolean;
}

// Connections are kept and reused per receiver (a busy outbox would otherwise open one per
// delivery); private targets get their own pools, so a socket opened where private addresses were
// allowed never serves a delivery where they are not.
const agents = {
  public: { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) },
  private: { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) },
};

export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function sendDelivery(req: DeliveryRequest): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return resolve({ ok: false, status: null, error: 'invalid URL', refused: true });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address literal skips the lookup: check it here.
    if (isIP(host) && isPrivateAddress(host) && !req.allowPrivate) {
      return resolve({ ok: false, status: null, error: `${host} is a private address`, refused: true });
    }
    const tls = url.protocol === 'https:';
    const client = tls ? https : http;
    const pool = agents[req.allowPrivate ? 'private' : 'public'];
    const r = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(req.allowPrivate) as never,
        agent: tls ? pool.https : pool.http,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          'user-agent': 'Tandem-Webhooks/1',
          'x-tandem-event': req.event,
          'x-tandem-delivery': req.deliveryId,
          'x-tandem-signature': signature(req.secret, req.body),
        },
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Only the status matters; a receiver answering megabytes is cut off, not buffered.
          if (read > req.maxResponseBytes) res.destroy();
        });
        const finish = () => {
          const status = res.statusCode ?? 0;
          done({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    r.on('socket', (socket) => {
      // Belt and braces: the peer actually connected to must be allowed too (a reused socket was
      // checked when it connected).
      const check = () => {
        const peer = socket.remoteAddress;
        if (peer && !req.allowPrivate && isPrivateAddress(peer)) {
          socket.destroy();
          r.destroy(new ForbiddenTarget(`connected to ${peer}, a private address`));
        }
      };
      if (socket.connecting) socket.once('connect', check);
      else check();
    });
    r.on('error', (err) => done({ ok: false, status: null, error: err.message.slice(0, 500), refused: err instanceof ForbiddenTarget }));
    const timer = setTimeout(() => {
      r.destroy();
      done({ ok: false, status: null, error: `no answer within ${req.timeoutMs} ms` });
    }, req.timeoutMs);
    r.end(req.body);
  });
}
