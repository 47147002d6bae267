// Docker cannot run on the CI machines, so the deployment files are checked statically: every
// variable they set is one the server accepts, and the pieces reference each other correctly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../apps/server/src/base/config/config.js';

const infra = join(import.meta.dirname, '..', '..', 'infra');
const compose = parse(readFileSync(join(infra, 'docker-compose.yml'), 'utf8'));
const dockerfile = readFileSync(join(infra, 'Dockerfile'), 'utf8');
const nginx = readFileSync(join(infra, 'nginx.conf'), 'utf8').replace(/#.*$/gm, '');

describe('deployment files', () => {
  const apis = Object.entries(compose.services as Record<string, { environment?: Record<string, string>; image?: string }>).filter(
    ([, s]) => s.image === 'tandem:latest',
  );

  it('runs two identical API nodes sharing one database, Redis and secret', () => {
    expect(apis.map(([name]) => name).sort()).toEqual(['api1', 'api2']);
    const [a, b] = apis.map(([, s]) => s.environment!);
    expect(a).toEqual(b);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'TANDEM_SECRET', 'S3_ENDPOINT', 'MEILI_URL']) expect(a).toHaveProperty(key);
  });

  it('sets only variables the server accepts, with values it validates', () => {
    const env = Object.fromEntries(
      Object.entries(apis[0]![1].environment!).map(([k, v]) => [
        k,
        String(v).replace(/\$\{[^}]+\}/g, k === 'TANDEM_SECRET' ? 'x'.repeat(40) : 'http://localhost:8080'),
      ]),
    );
    const config = loadConfig(env);
    expect(config.embeddedDatabase).toBe(false);
    expect(config.s3).not.toBeNull();
    const dockerEnv = Object.fromEntries(
      [...dockerfile.matchAll(/^\s*(TANDEM_[A-Z_]+|HOST|PORT|NODE_ENV)=(\S+)/gm)].map((m) => [m[1]!, m[2]!.replace(/\\$/, '')]),
    );
    expect(Object.keys(dockerEnv)).toEqual(expect.arrayContaining(['TANDEM_DATA_DIR', 'TANDEM_WEB_DIR', 'TANDEM_MIGRATIONS_DIR']));
    expect(() => loadConfig(dockerEnv)).not.toThrow();
  });

  it('balances both nodes in nginx with WebSocket upgrades and no sticky sessions', () => {
    for (const [name] of apis) expect(nginx).toContain(`server ${name}:3000`);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).not.toMatch(/ip_hash|sticky/);
  });

  it('starts the image exactly as the README does: node …/main.js, with a readiness health check', () => {
    expect(dockerfile).toMatch(/CMD \["node", "dist\/main\.js"\]/);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/ready/);
    expect(dockerfile).toMatch(/^USER tandem$/m);
  });
});
