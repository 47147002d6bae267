// A real OpenID provider (the certified `oidc-provider` package) on loopback, for the single
// sign-on tests. One confidential client (Tandem); accounts are set by the test with the claims the
// provider should vouch for. Its login page is a one-field form (the account to sign in as), so a
// test can pass it with plain HTTP requests (`SsoBrowser`) or in Chromium; consent is implied.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpAccount {
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The accounts the provider knows, by subject (the login typed on its page). */
  accounts: Map<string, IdpAccount>;
  /** The OIDC_* variables that point Tandem at this provider. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1 (for a server whose public URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const page = (uid: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
<label>Username <input name="login" autocomplete="off" autofocus></label>
<button type="submit">Continue</button>
</form></body></html>`;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdp(opts: { redirectUris: string[]; name?: string }): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  const clientId = 'tandem';
  const clientSecret = randomBytes(16).toString('hex');
  let provider: Provider | undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const interaction = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (!interaction) return provider!.callback()(req, res);
    void (async () => {
      try {
        if (req.method === 'GET') {
          const details = await provider!.interactionDetails(req, res);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid));
          return;
        }
        const login = (await readForm(req)).get('login') ?? '';
        if (!accounts.has(login)) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<p>Unknown account</p>${page(interaction[1]!)}`);
          return;
        }
        await provider!.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String((err as Error).message));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      return account ? { accountId: id, claims: async () => ({ sub: id, ...account }) } : undefined;
    },
    // Consent is implied: Tandem is the only client and the tests are not about consent screens.
    async loadExistingGrant(ctx: {
      oidc: { provider: Provider; client: { clientId: string }; session: { accountId: string }; params?: { scope?: string } };
    }) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  } as never);

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      ...(opts.name ? { OIDC_NAME: opts.name } : {}),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser made of fetch calls: keeps cookies (one jar for every port of 127.0.0.1, as a browser
 * does) and follows no redirect by itself, so a test sees and may replay every step.
 */
export class SsoBrowser {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!value || /max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows one redirect: the absolute target of `res`'s Location. */
  static next(res: Response): string {
    const location = res.headers.get('location');
    if (!location || res.status < 300 || res.status >= 400) throw new Error(`expected a redirect, got ${res.status}`);
    return new URL(location, res.url).href;
  }

  /**
   * From Tandem's start URL through the provider's login page as `account`, up to (not into) the
   * callback: returns the callback URL the provider sent the browser to.
   */
  async signInAtProvider(startUrl: string, account: string): Promise<string> {
    const toIssuer = SsoBrowser.next(await this.request(startUrl));
    const toLogin = SsoBrowser.next(await this.request(toIssuer));
    const form = await this.request(toLogin);
    if (form.status !== 200) throw new Error(`the provider's login page answered ${form.status}: ${await form.text()}`);
    const resume = SsoBrowser.next(
      await this.request(toLogin, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: account }).toString(),
      }),
    );
    return SsoBrowser.next(await this.request(resume));
  }
}
