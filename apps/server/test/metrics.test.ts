import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  api,
  connectSocket,
  login,
  startTestPostgres,
  startTestServer,
  type TestServer,
  waitFor,
} from './harness.ts';

const scrape = async (server: TestServer, headers: Record<string, string> = {}) => {
  const res = await server.app.inject({ method: 'GET', url: '/metrics', headers });
  return { status: res.statusCode, body: res.body, type: String(res.headers['content-type']) };
};

const value = (text: string, line: string) => {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe('GET /metrics', () => {
  let pg: Awaited<ReturnType<typeof startTestPostgres>>;
  let open: TestServer;
  let guarded: TestServer;
  const TOKEN = 'metrics-token-0123456789';

  before(async () => {
    pg = await startTestPostgres();
    // Behind a proxy on loopback (as with Caddy), whose X-Forwarded-For names the client.
    open = await startTestServer(pg, { instanceId: 'open', trustProxy: ['loopback'] });
    guarded = await startTestServer(pg, { instanceId: 'guarded', metricsToken: TOKEN });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
    await pg?.stop();
  });

  it('serves Prometheus text with connections, the pool and requests by route pattern', async () => {
    const admin = await login(open, ADMIN.email, ADMIN.password);
    await api(open, 'GET', '/api/groups/1/messages', { token: admin.token });
    await api(open, 'GET', '/api/groups/999/messages', { token: admin.token });
    const socket = await connectSocket(open, admin.token);
    try {
      const m = await waitFor('the socket counted', async () => {
        const r = await scrape(open);
        return value(r.body, 'rosterchirp_socketio_connections') === 1 && r;
      });
      assert.equal(m.status, 200);
      assert.match(m.type, /^text\/plain; version=0\.0\.4/);
      assert.ok((value(m.body, 'nodejs_heap_size_used_bytes') ?? 0) > 1_000_000, 'Node defaults are there');
      assert.equal(value(m.body, 'rosterchirp_presence_connections'), 1);
      assert.ok((value(m.body, 'rosterchirp_pg_pool_clients') ?? 0) >= 1);
      assert.equal(
        value(
          m.body,
          'rosterchirp_http_requests_total{method="GET",route="/api/groups/:id/messages",status="200"}',
        ),
        1,
      );
      assert.equal(
        value(
          m.body,
          'rosterchirp_http_requests_total{method="GET",route="/api/groups/:id/messages",status="404"}',
        ),
        1,
      );
      assert.ok(!m.body.includes('/api/groups/999'), 'labels use the route pattern, never raw ids');
      // Store calls are timed by name: the sign-in and the first authenticated request above
      // (the later ones were answered from memory, and counted as such).
      assert.ok(
        (value(
          m.body,
          'rosterchirp_store_call_duration_seconds_count{store="sessions",method="liveSession"}',
        ) ?? 0) >= 1,
      );
      const lookups = (result: string) =>
        value(m.body, `rosterchirp_access_cache_lookups_total{cache="sessions",result="${result}"}`) ?? 0;
      assert.ok(lookups('miss') >= 1, 'the first check asked the database');
      assert.ok(lookups('miss') + lookups('hit') >= 3, 'every check is counted');
      assert.ok(
        (value(
          m.body,
          'rosterchirp_store_call_duration_seconds_count{store="users",method="byEmailWithHash"}',
        ) ?? 0) >= 1,
      );
    } finally {
      socket.close();
    }
  });

  it('without a token, only private and loopback addresses get it', async () => {
    assert.equal((await scrape(open, { 'x-forwarded-for': '10.1.2.3' })).status, 200);
    const outside = await scrape(open, { 'x-forwarded-for': '8.8.4.4' });
    assert.equal(outside.status, 404);
    assert.equal(JSON.parse(outside.body).error.code, 'NOT_FOUND');
  });

  it('with METRICS_TOKEN, only the bearer of the token gets it, from anywhere', async () => {
    assert.equal((await scrape(guarded)).status, 404, 'loopback is not enough');
    assert.equal((await scrape(guarded, { authorization: 'Bearer wrong-token-000000' })).status, 404);
    const ok = await scrape(guarded, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '8.8.4.4' });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /rosterchirp_http_requests_total/);
  });
});
