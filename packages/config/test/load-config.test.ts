import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/index.ts';

const pick = (c: { redisUrl: string | undefined; redisCluster: boolean }) => ({
  redisUrl: c.redisUrl,
  redisCluster: c.redisCluster,
});

describe('loadConfig', () => {
  it('has working defaults for a laptop: port 3000, ./data, embedded Postgres', () => {
    const c = loadConfig({}, '/srv/app');
    assert.equal(c.port, 3000);
    assert.equal(c.dataDir, '/srv/app/data');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.appType, 'selfhost');
    assert.equal(c.defaultChatName, 'General Chat');
  });
  it('reads overrides', () => {
    const c = loadConfig(
      { PORT: '8080', DATA_DIR: '/var/rc', DATABASE_URL: 'postgres://u@h/db', ADMPW_RESET: 'true' },
      '/',
    );
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, '/var/rc');
    assert.equal(c.databaseDirectUrl, 'postgres://u@h/db', 'direct URL defaults to DATABASE_URL');
    assert.equal(c.admin.resetPassword, true);
  });
  it('reads host mode only with APP_TYPE=host', () => {
    assert.equal(loadConfig({ HOST_DOMAIN: 'chat.test' }, '/').host, undefined);
    const c = loadConfig(
      { APP_TYPE: 'host', HOST_DOMAIN: 'Chat.Test.', HOST_ADMIN_KEY: 'k'.repeat(24) },
      '/',
    );
    assert.deepEqual(c.host, { domain: 'chat.test', adminKey: 'k'.repeat(24) });
  });
  it('trusts no proxy by default; TRUST_PROXY takes a hop count or named proxies', () => {
    assert.equal(loadConfig({}, '/').trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }, '/').trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }, '/').trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }, '/').trustProxy, [
      'loopback',
      '10.0.0.0/8',
      'fd00::1',
    ]);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }, '/'), /TRUST_PROXY must name the proxies/);
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }, '/'), /TRUST_PROXY has "10.0.0.0\/33"/);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'caddy' }, '/'), /TRUST_PROXY has "caddy"/);
    assert.deepEqual(loadConfig({}, '/').connectionLimits, { perUser: 20, perAddress: 500 });
  });
  it('Redis: one server, a cluster by REDIS_CLUSTER_NODES (host:port allowed) or by a list in REDIS_URL', () => {
    assert.deepEqual(pick(loadConfig({}, '/')), { redisUrl: undefined, redisCluster: false });
    assert.deepEqual(pick(loadConfig({ REDIS_URL: 'redis://r:6379' }, '/')), {
      redisUrl: 'redis://r:6379',
      redisCluster: false,
    });
    assert.deepEqual(pick(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, redis://b:7001' }, '/')), {
      redisUrl: 'redis://a:7000,redis://b:7001',
      redisCluster: true,
    });
    assert.deepEqual(pick(loadConfig({ REDIS_CLUSTER_NODES: 'seed:7000' }, '/')), {
      redisUrl: 'redis://seed:7000',
      redisCluster: true,
    });
    assert.deepEqual(pick(loadConfig({ REDIS_URL: 'redis://a:1,rediss://b:2' }, '/')), {
      redisUrl: 'redis://a:1,rediss://b:2',
      redisCluster: true,
    });
    assert.throws(
      () => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }, '/'),
      /REDIS_CLUSTER_NODES and REDIS_URL cannot both be set/,
    );
    assert.throws(
      () => loadConfig({ REDIS_URL: 'redis://a:1,http://b:2' }, '/'),
      /REDIS_URL must use redis:/,
    );
    assert.throws(
      () => loadConfig({ REDIS_CLUSTER_NODES: ' , ' }, '/'),
      /REDIS_CLUSTER_NODES names no Redis node/,
    );
  });
  it('SHARDS: JSON of name → URLs in host mode; directUrl defaults to url; bad ones are named', () => {
    const host = { APP_TYPE: 'host', HOST_DOMAIN: 'chat.test', HOST_ADMIN_KEY: 'k'.repeat(24) };
    assert.deepEqual(loadConfig(host, '/').shards, {});
    const c = loadConfig(
      {
        ...host,
        SHARDS:
          '{"east":{"url":"postgres://b/rc"},"west":{"url":"postgres://p/rc","directUrl":"postgres://d/rc","replicaUrl":"postgres://r/rc"}}',
      },
      '/',
    );
    assert.deepEqual(c.shards, {
      east: { url: 'postgres://b/rc', directUrl: 'postgres://b/rc' },
      west: { url: 'postgres://p/rc', directUrl: 'postgres://d/rc', replicaUrl: 'postgres://r/rc' },
    });
    const bad = (SHARDS: string, message: RegExp, env: Record<string, string> = host) =>
      assert.throws(() => loadConfig({ ...env, SHARDS }, '/'), message);
    bad('{"east":', /SHARDS must be JSON/);
    bad('["east"]', /SHARDS must be a JSON object/);
    bad('{"main":{"url":"postgres://a/b"}}', /bad shard name "main"/);
    bad('{"East!":{"url":"postgres://a/b"}}', /bad shard name "East!"/);
    bad('{"east":{"url":"mysql://a/b"}}', /shard "east" needs url as a postgres:\/\/ URL/);
    bad('{"east":{"url":"postgres://a/b","pool":3}}', /unknown field "pool"/);
    bad('{"east":{"url":"postgres://a/b"}}', /SHARDS needs APP_TYPE=host/, {});
  });
  it('fails with a message naming the bad variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'eighty' }, /PORT must be a whole number/],
      [{ PORT: '70000' }, /PORT must be between/],
      [{ APP_TYPE: 'cluster' }, /APP_TYPE must be one of selfhost, host/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres:/],
      [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32/],
      [{ ADMPW_RESET: 'maybe' }, /ADMPW_RESET must be true or false/],
      [{ ADMIN_EMAIL: 'nobody' }, /ADMIN_EMAIL must be an email/],
      [{ ADMIN_PASS: 'short' }, /ADMIN_PASS must be at least 8/],
      [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16/],
      [{ DATABASE_DIRECT_URL: 'postgres://x/y' }, /DATABASE_DIRECT_URL needs DATABASE_URL/],
      [{ APP_TYPE: 'host', HOST_ADMIN_KEY: 'k'.repeat(24) }, /HOST_DOMAIN is required when APP_TYPE=host/],
      [{ APP_TYPE: 'host', HOST_DOMAIN: 'https://x.test' }, /HOST_DOMAIN must be a bare domain/],
      [{ APP_TYPE: 'host', HOST_DOMAIN: 'chat.test' }, /HOST_ADMIN_KEY is required/],
      [
        { APP_TYPE: 'host', HOST_DOMAIN: 'chat.test', HOST_ADMIN_KEY: 'short' },
        /HOST_ADMIN_KEY must be at least 24/,
      ],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env, '/'),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    }
  });
});

describe('documentation of the configuration', () => {
  it('every variable the server reads is in .env.example and in the README table', () => {
    const root = new URL('../../../', import.meta.url);
    const source = readFileSync(new URL('packages/config/src/load-config.ts', root), 'utf8');
    const names = [
      ...source.matchAll(/read(?:String|Optional|Int|Bool|Enum|Url|TrustProxy)\(env, '([A-Z0-9_]+)'/g),
    ].map((m) => m[1]!);
    assert.ok(names.length > 25, `found only ${names.length} variables`);
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    assert.deepEqual(
      names.filter((n) => !new RegExp(`^${n}=`, 'm').test(example)),
      [],
      'missing from .env.example',
    );
    assert.deepEqual(
      names.filter((n) => !readme.includes(`\`${n}\``)),
      [],
      'missing from the README configuration table',
    );
  });
});

describe('the repository stands alone', () => {
  it('no file cites documents that live outside it (its own are under docs/)', () => {
    const root = new URL('../../../', import.meta.url);
    const files = execFileSync('git', ['ls-files'], { cwd: root })
      .toString()
      .split('\n')
      .filter(
        (f) =>
          /\.(ts|tsx|mjs|cjs|js|md|sql|yaml|json)$|Dockerfile$|Caddyfile$/.test(f) && f !== 'pnpm-lock.yaml',
      );
    const outside = /shared\/spec|\.\.\/shared|(^|[^/\w])(product|cluster|engineering|local-infra|api)\.md/;
    const offenders = files.filter((f) => {
      const text = readFileSync(new URL(f, root), 'utf8');
      return text.split('\n').some((line) => outside.test(line));
    });
    assert.deepEqual(offenders, []);
  });
});

describe('deployment files', () => {
  const root = new URL('../../../', import.meta.url);
  it('Caddy sends HSTS on every HTTPS site, and the api replicas trust only it for client addresses', () => {
    const caddyfile = readFileSync(new URL('Caddyfile', root), 'utf8');
    const sites = [...caddyfile.matchAll(/^(\S.*) \{\n([\s\S]*?)^\}/gm)].filter(
      ([, name]) => name && !name.startsWith('(') && name !== '',
    );
    assert.ok(sites.length >= 3, `found the site blocks: ${sites.map((s) => s[1])}`);
    for (const [, name, body] of sites) {
      if (name === '{' || name?.startsWith('#')) continue;
      assert.match(body ?? '', /import rosterchirp_hsts/, `${name} sends HSTS`);
    }
    assert.match(caddyfile, /header Strict-Transport-Security "max-age=31536000/);
    const compose = readFileSync(new URL('docker-compose.host.yaml', root), 'utf8');
    assert.match(compose, /TRUST_PROXY: \$\{TRUST_PROXY:-uniquelocal\}/);
  });

  it('the Dockerfile copies every workspace manifest before pnpm install (or links go missing)', () => {
    const root = new URL('../../../', import.meta.url);
    const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
    const installAt = dockerfile.indexOf('RUN pnpm install');
    const copied = new Set(
      [...dockerfile.slice(0, installAt).matchAll(/^COPY (\S+\/package\.json) /gm)].map((m) => m[1]!),
    );
    const manifests = ['apps', 'packages']
      .flatMap((dir) =>
        readdirSync(new URL(`${dir}/`, root), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${dir}/${d.name}/package.json`),
      )
      .concat(['infra/package.json', 'loadtest/package.json'])
      .filter((p) => existsSync(new URL(p, root)));
    assert.deepEqual(
      manifests.filter((m) => !copied.has(m)),
      [],
    );
  });
});
