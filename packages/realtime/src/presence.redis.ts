import { randomUUID } from 'node:crypto';
import type { PresenceConnection, PresenceOptions, PresenceStore } from '@rosterchirp/protocol';
import { type RedisClient, tenantTag } from '@rosterchirp/redis';

/**
 * Presence shared by every instance through Redis. Per tenant (the schema in braces is a Redis
 * Cluster hash tag: a tenant's presence keys share one slot, so each script runs on one master):
 *   `{tenant_x}:presence:user:{id}` ZSET connectionId → expiry (ms)  — is this user online?
 *   `{tenant_x}:presence:conns`     ZSET "{id}:{connectionId}" → expiry — who is online, what expired
 * and `global:presence:tenants` SET of schemas that have entries (for the expiry sweep; written
 * beside the scripts, never inside one, as it lives in another slot).
 * Each operation is one Lua script, so concurrent instances never double-report online/offline.
 */
const CONNECT = `
local userKey, connsKey = KEYS[1], KEYS[2]
local now, expires, conn, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', now)
local before = redis.call('ZCARD', userKey)
redis.call('ZADD', userKey, expires, conn)
redis.call('PEXPIRE', userKey, tonumber(ARGV[5]))
redis.call('ZADD', connsKey, expires, member)
if before == 0 then return 1 else return 0 end`;

const DISCONNECT = `
local userKey, connsKey = KEYS[1], KEYS[2]
local now, conn, member = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local removed = redis.call('ZREM', userKey, conn)
redis.call('ZREM', connsKey, member)
redis.call('ZREMRANGEBYSCORE', userKey, '-inf', now)
if removed == 1 and redis.call('ZCARD', userKey) == 0 then return 1 else return 0 end`;

/**
 * Refreshes many connections of one tenant: KEYS are (userKey, connsKey) pairs, ARGV[3..]
 * (conn, member) pairs.
 */
const HEARTBEAT = `
local expires, keyTtl = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, #KEYS, 2 do
  local conn, member = ARGV[i + 2], ARGV[i + 3]
  redis.call('ZADD', KEYS[i], expires, conn)
  redis.call('PEXPIRE', KEYS[i], keyTtl)
  redis.call('ZADD', KEYS[i + 1], expires, member)
end
return 1`;

/** Connections refreshed per script call (calls go out together, one per tenant and chunk). */
const HEARTBEAT_CHUNK = 500;

/** Removes expired connections of one tenant; returns the user ids left with none. */
const EXPIRE = `
local connsKey, prefix = KEYS[1], ARGV[2]
local now = tonumber(ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', connsKey, '-inf', now)
if #dead == 0 then return {} end
redis.call('ZREMRANGEBYSCORE', connsKey, '-inf', now)
local offline, seen = {}, {}
for _, member in ipairs(dead) do
  local sep = string.find(member, ':', 1, true)
  local uid, conn = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
  local userKey = prefix .. uid
  redis.call('ZREM', userKey, conn)
  redis.call('ZREMRANGEBYSCORE', userKey, '-inf', now)
  if not seen[uid] and redis.call('ZCARD', userKey) == 0 then
    seen[uid] = true
    table.insert(offline, uid)
  end
end
return offline`;

const INDEX = 'global:presence:tenants';
const SWEEP_LEASE = 'global:presence:sweep-lease';

export class RedisPresence implements PresenceStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly instanceToken = randomUUID();

  constructor(
    private readonly redis: RedisClient,
    opts: PresenceOptions,
  ) {
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
  }

  /** Redis-side expiry of a user's key: a safety net, well past the heartbeat TTL. */
  private get keyTtlMs(): number {
    return this.ttlMs * 4;
  }

  private keys(schema: string, userId: number) {
    const tag = tenantTag(schema);
    return { user: `${tag}:presence:user:${userId}`, conns: `${tag}:presence:conns` };
  }

  async connect(schema: string, userId: number, connectionId: string): Promise<boolean> {
    const k = this.keys(schema, userId);
    const now = this.now();
    const [first] = await Promise.all([
      this.redis.eval(
        CONNECT,
        2,
        k.user,
        k.conns,
        now,
        now + this.ttlMs,
        connectionId,
        `${userId}:${connectionId}`,
        this.keyTtlMs,
      ),
      this.redis.sadd(INDEX, schema),
    ]);
    return first === 1;
  }

  async disconnect(schema: string, userId: number, connectionId: string): Promise<boolean> {
    const k = this.keys(schema, userId);
    const last = await this.redis.eval(
      DISCONNECT,
      2,
      k.user,
      k.conns,
      this.now(),
      connectionId,
      `${userId}:${connectionId}`,
    );
    return last === 1;
  }

  async heartbeat(connections: readonly PresenceConnection[]): Promise<void> {
    if (connections.length === 0) return;
    const expires = this.now() + this.ttlMs;
    const bySchema = new Map<string, PresenceConnection[]>();
    for (const c of connections) {
      const list = bySchema.get(c.schema);
      if (list) list.push(c);
      else bySchema.set(c.schema, [c]);
    }
    const calls: Array<Promise<unknown>> = [];
    for (const [schema, list] of bySchema) {
      for (let i = 0; i < list.length; i += HEARTBEAT_CHUNK) {
        const keys: string[] = [];
        const args: Array<string | number> = [expires, this.keyTtlMs];
        for (const c of list.slice(i, i + HEARTBEAT_CHUNK)) {
          const k = this.keys(schema, c.userId);
          keys.push(k.user, k.conns);
          args.push(c.connectionId, `${c.userId}:${c.connectionId}`);
        }
        calls.push(this.redis.eval(HEARTBEAT, keys.length, ...keys, ...args));
      }
    }
    // The tenants' index too: after a Redis restart (entries lost) the heartbeat rebuilds the
    // entries, and the sweep must find their tenants again.
    calls.push(this.redis.sadd(INDEX, ...bySchema.keys()));
    // Sent together (one write on a standalone connection, one per master on a cluster).
    await Promise.all(calls);
  }

  async online(schema: string): Promise<number[]> {
    const members = await this.redis.zrangebyscore(
      `${tenantTag(schema)}:presence:conns`,
      `(${this.now()}`,
      '+inf',
    );
    const ids = new Set(members.map((m) => Number(m.slice(0, m.indexOf(':')))));
    return [...ids].sort((a, b) => a - b);
  }

  /** `global:presence:sweep-lease`, set if absent for `leaseMs`: the first instance of a round sweeps. */
  async claimSweep(leaseMs: number): Promise<boolean> {
    return (
      (await this.redis.set(
        SWEEP_LEASE,
        this.instanceToken,
        'PX',
        Math.max(1, Math.round(leaseMs)),
        'NX',
      )) === 'OK'
    );
  }

  async expire(): Promise<Array<{ schema: string; userId: number }>> {
    const out: Array<{ schema: string; userId: number }> = [];
    const now = this.now();
    for (const schema of await this.redis.smembers(INDEX)) {
      const tag = tenantTag(schema);
      const offline = (await this.redis.eval(
        EXPIRE,
        1,
        `${tag}:presence:conns`,
        now,
        `${tag}:presence:user:`,
      )) as string[];
      for (const id of offline) out.push({ schema, userId: Number(id) });
    }
    return out;
  }

  async close(): Promise<void> {
    // The Redis client belongs to the caller, who closes it.
  }
}
