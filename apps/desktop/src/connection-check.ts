// "Connect to a server", checked live before the address is saved: the server answers, it is a
// Tandem server that lets the desktop app in, and WebSockets reach it (a reverse proxy that is not
// set up for them is the usual reason a team's live updates and document editing fail).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { normalizeServerUrl } from './server-url.js';

/** The origin of the app's bundled pages; the server must allow it (TANDEM_DESKTOP_APP). */
export const APP_ORIGIN = 'app://tandem';

export type CheckStep = 'address' | 'reachable' | 'tandem' | 'desktop' | 'websocket';

export type ConnectionCheck =
  | { ok: true; url: string; version: string; passed: CheckStep[] }
  | { ok: false; url: string | null; failed: CheckStep; passed: CheckStep[]; message: string };

export interface CheckOptions {
  timeoutMs?: number;
}

interface ServerInfo {
  product?: unknown;
  version?: unknown;
  desktopApp?: unknown;
}

export async function checkServer(input: string, opts: CheckOptions = {}): Promise<ConnectionCheck> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  const normalized = normalizeServerUrl(input);
  if (!normalized.ok) return { ok: false, url: null, failed: 'address', passed: [], message: normalized.error };
  const url = normalized.url;
  const passed: CheckStep[] = ['address'];
  const fail = (failed: CheckStep, message: string): ConnectionCheck => ({ ok: false, url, failed, passed: [...passed], message });

  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/server-info`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    return fail('reachable', `No answer from ${url}: ${reason(err)}. Check the address and that you are on the right network.`);
  }
  passed.push('reachable');
  let info: ServerInfo | null = null;
  try {
    info = res.ok ? ((await res.json()) as ServerInfo) : null;
  } catch {
    info = null;
  }
  if (info?.product !== 'tandem' || typeof info.version !== 'string') {
    return fail('tandem', `${url} answers, but it is not a Tandem server (or a version too old for this app).`);
  }
  passed.push('tandem');
  if (info.desktopApp !== true) {
    return fail('desktop', `This Tandem server does not allow the desktop app. Ask its administrator to set TANDEM_DESKTOP_APP=true.`);
  }
  passed.push('desktop');

  const ws = await probeUpgrade(`${url}/ws`, timeoutMs);
  if (ws !== 'reached') {
    return fail(
      'websocket',
      ws === 'timeout'
        ? `${url} does not complete WebSocket connections (no answer). A proxy or firewall between you and the server blocks them; live updates and document editing need them. Ask the administrator to let WebSocket upgrades through to /ws and /collab.`
        : `${url} answers, but WebSocket connections do not reach Tandem (${ws}). A reverse proxy in front of it is not forwarding them; live updates and document editing need them. Ask the administrator to forward the Upgrade and Connection headers for /ws and /collab.`,
    );
  }
  passed.push('websocket');
  return { ok: true, url, version: info.version, passed };
}

/**
 * Sends a WebSocket upgrade to `/ws` without a token. Tandem itself refuses it with its own 401
 * JSON error, which proves the upgrade went all the way through; a proxy that drops upgrades
 * answers something else (400, 404, 426, 502…) or nothing.
 */
function probeUpgrade(target: string, timeoutMs: number): Promise<'reached' | 'timeout' | string> {
  const url = new URL(target);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'GET',
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
        Origin: APP_ORIGIN,
      },
    });
    req.on('upgrade', (_res, socket) => {
      // An upgrade without a token can only be accepted by something that is not Tandem.
      socket.destroy();
      resolve('the upgrade was accepted by something other than Tandem');
    });
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => {
        if (res.statusCode === 401 && isTandemError(body, 'unauthenticated')) resolve('reached');
        else if (res.statusCode === 403 && isTandemError(body)) resolve('the server refused the desktop app origin');
        else resolve(`HTTP ${res.statusCode}`);
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (err) => resolve(reason(err)));
    req.end();
  });
}

function isTandemError(body: string, code?: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' && (code === undefined || parsed.error.code === code);
  } catch {
    return false;
  }
}

function reason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'it did not answer in time';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
