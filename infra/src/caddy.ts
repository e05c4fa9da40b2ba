import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes.ts';

export interface CaddyHandle {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The local Caddyfile: round-robin over the instances with active health checks on
 * /api/ready, retries while an upstream dies, WebSocket pass-through (Caddy proxies upgrades
 * as is), and `*.localhost` subdomains for tenants. Same shape as the root Caddyfile, minus TLS.
 */
export function localCaddyfile(opts: {
  port: number;
  adminPort: number;
  storage: string;
  upstreams: string[];
}): string {
  return `{
	auto_https off
	admin 127.0.0.1:${opts.adminPort}
	http_port ${opts.port}
	skip_install_trust
	storage file_system ${opts.storage}
}

http://localhost:${opts.port}, http://*.localhost:${opts.port}, http://127.0.0.1:${opts.port} {
	bind 127.0.0.1
	reverse_proxy ${opts.upstreams.join(' ')} {
				lb_policy round_robin
		# Caddy 2.6 can only retry a request with a body on another upstream if it buffered it.
		buffer_requests
		lb_try_duration 5s
		lb_try_interval 100ms
		# Passive checks: a replica is skipped for 2 s after 3 failed requests. One failure for
		# 10 s (Caddy's default count) took both replicas out after a SIGKILL: 10 s of 503s.
		fail_duration 2s
		max_fails 3
		health_uri /api/ready
		health_interval 1s
		health_timeout 2s
		health_status 200
		header_up X-Request-Id {http.request.uuid}
	}
	# No replica to take the request (all restarting, or none ready): the documented error shape,
	# as the api itself would answer, instead of an empty 502/503/504.
	handle_errors {
		@unavailable expression \`{err.status_code} in [502, 503, 504]\`
		header @unavailable Content-Type "application/json; charset=utf-8"
		respond @unavailable \`{"error":{"code":"UNAVAILABLE","message":"The service is briefly unavailable; try again in a moment"}}\` {err.status_code}
	}
}
`;
}

export async function startCaddy(opts: {
  dir: string;
  upstreams: string[];
  port?: number;
}): Promise<CaddyHandle> {
  const port = opts.port ?? (await freePort());
  const adminPort = await freePort();
  const home = join(opts.dir, 'caddy-home');
  await mkdir(home, { recursive: true });
  const file = join(opts.dir, 'Caddyfile');
  await writeFile(
    file,
    localCaddyfile({ port, adminPort, storage: join(home, 'storage'), upstreams: opts.upstreams }),
  );
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
  };
  const proc = spawnLogged('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      `caddy on ${port}`,
      async () => (await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(2000) })).status === 200,
      20_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  return { port, url, pid: proc.child.pid!, stop: () => stopProcess(proc.child) };
}
