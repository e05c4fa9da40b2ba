import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** utime + stime of a process, in seconds (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU of a process and all its children, in seconds: its own time, what its exited children
 * used (cutime/cstime, once reaped), and its live children's time. For Postgres, whose work
 * happens in one backend process per connection forked from the postmaster.
 */
export function treeCpuSeconds(pid: number): number {
  const stat = (p: number | string) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const own = stat(pid);
  let total = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = stat(entry);
      if (Number(f[1]) === pid) total += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return total / 100;
}

/** CPU seconds a Redis server has used (INFO cpu: user + sys), through any client. */
export async function redisCpuSeconds(redis: { info(section: 'cpu'): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  const num = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return num('used_cpu_user') + num('used_cpu_sys');
}

/** Resident memory of a process in KiB. */
export function rssKib(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** JS heap in use over instances, in bytes, from their /metrics (which loopback may read). */
export async function heapUsedBytes(instanceUrls: string[]): Promise<number> {
  let total = 0;
  for (const url of instanceUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    total += Number(/^nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

/**
 * Two full garbage collections in each instance, for memory readings that count what is kept,
 * not garbage: the instances must run with `--expose-gc` and the gc-on-signal.mjs preload.
 */
export async function collectGarbage(pids: number[]): Promise<void> {
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 1500));
}

/** The node flags `collectGarbage` needs, for startCluster's nodeArgs. */
export const GC_ON_SIGNAL_NODE_ARGS = [
  '--expose-gc',
  '--import',
  new URL('./gc-on-signal.mjs', import.meta.url).pathname,
];

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s.at(-1) ?? Number.NaN,
  };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
