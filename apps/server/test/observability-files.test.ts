/**
 * The monitoring kit in infra/observability: every metric the Grafana dashboard queries exists
 * in a real instance's /metrics (so a renamed metric breaks this test, not the dashboard in
 * production), Prometheus scrapes the compose file's api service, and the Grafana provisioning
 * points at the dashboards mounted by the compose file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '@rosterchirp/infra';
import { parse } from 'yaml';
import {
  ADMIN,
  login,
  publicChannel,
  sendMessage,
  startTestPostgres,
  startTestServer,
  type TestServer,
} from './harness.ts';

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');

describe('observability files', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let server: TestServer;

  before(async () => {
    pg = await startTestPostgres();
    server = await startTestServer(pg);
  });
  after(async () => {
    await server?.close();
    await pg?.stop();
  });

  it('every metric the dashboard queries is in /metrics', async () => {
    const { token } = await login(server, ADMIN.email, ADMIN.password);
    await sendMessage(server, token, await publicChannel(server, token), 'for the dashboard');
    const exposition = (
      await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })
    ).body;
    // Defined metrics (# TYPE), with a histogram's series names: a labelled counter nothing has
    // counted yet shows only its TYPE line.
    const present = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      present.add(name!);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) present.add(`${name}${suffix}`);
    }
    const dashboard = JSON.parse(
      read('infra', 'observability', 'grafana', 'dashboards', 'rosterchirp.json'),
    ) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const [name] of target.expr.matchAll(/\b(?:rosterchirp|nodejs|process)_[a-z0-9_]+/g))
          used.add(name);
      }
    }
    assert.ok(used.size >= 10, `the dashboard queries ${used.size} metrics`);
    assert.deepEqual(
      [...used].filter((name) => !present.has(name)),
      [],
      'metrics the dashboard queries but the server does not expose',
    );
  });

  it('Prometheus scrapes the api service; Grafana finds its datasource and dashboards', () => {
    const compose = parse(read('docker-compose.host.yaml'), { merge: true }) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const prometheus = parse(read('infra', 'observability', 'prometheus.yml')) as {
      scrape_configs: Array<{ dns_sd_configs: Array<{ names: string[]; port: number }> }>;
    };
    const target = prometheus.scrape_configs[0]!.dns_sd_configs[0]!;
    assert.ok(compose.services[target.names[0]!], 'the scraped name is a compose service');
    assert.equal(target.port, 3000);
    const provider = parse(
      read('infra', 'observability', 'grafana', 'provisioning', 'dashboards', 'rosterchirp.yml'),
    ) as {
      providers: Array<{ options: { path: string } }>;
    };
    const mounted = (compose.services.grafana?.volumes ?? []).map((v) => v.split(':')[1]);
    assert.ok(
      mounted.includes(provider.providers[0]!.options.path),
      'the dashboards are mounted where Grafana looks',
    );
    const datasource = parse(
      read('infra', 'observability', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
    ) as {
      datasources: Array<{ uid: string; url: string }>;
    };
    assert.equal(datasource.datasources[0]!.uid, 'rosterchirp-prometheus');
    assert.match(datasource.datasources[0]!.url, /^http:\/\/prometheus:9090$/);
  });
});
