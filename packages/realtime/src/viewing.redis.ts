import type { ViewingStore } from '@rosterchirp/protocol';
import { type RedisClient, tenantTag } from '@rosterchirp/redis';

/**
 * Viewing shared through Redis. Per tenant and conversation (the braced schema is a Redis
 * Cluster hash tag: one script touches a connection's key and two conversations' keys):
 *   `{tenant_x}:viewing:group:{id}` ZSET "{userId}:{connectionId}" → expiry (ms)
 *   `{tenant_x}:viewing:conn:{connectionId}` the group the connection shows (to leave it later)
 * One Lua script per change, so a switch from one conversation to another is atomic.
 */
const SET = `
local connKey, prefix = KEYS[1], ARGV[1]
local member, groupId, expires, ttl, now = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local previous = redis.call('GET', connKey)
if previous then redis.call('ZREM', prefix .. previous, member) end
if groupId == '' then
  redis.call('DEL', connKey)
  return 0
end
local groupKey = prefix .. groupId
redis.call('ZREMRANGEBYSCORE', groupKey, '-inf', now)
redis.call('ZADD', groupKey, expires, member)
redis.call('PEXPIRE', groupKey, ttl)
redis.call('SET', connKey, groupId, 'PX', ttl)
return 1`;

export class RedisViewing implements ViewingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async set(schema: string, connectionId: string, userId: number, groupId: number | null): Promise<void> {
    const now = this.now();
    const tag = tenantTag(schema);
    await this.redis.eval(
      SET,
      1,
      `${tag}:viewing:conn:${connectionId}`,
      `${tag}:viewing:group:`,
      `${userId}:${connectionId}`,
      groupId === null ? '' : String(groupId),
      now + this.ttlMs,
      this.ttlMs,
      now,
    );
  }

  async viewers(schema: string, groupId: number, userIds: readonly number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const members = await this.redis.zrangebyscore(
      `${tenantTag(schema)}:viewing:group:${groupId}`,
      this.now(),
      '+inf',
    );
    const wanted = new Set(userIds);
    const found = new Set<number>();
    for (const member of members) {
      const userId = Number(member.slice(0, member.indexOf(':')));
      if (wanted.has(userId)) found.add(userId);
    }
    return found;
  }

  async close(): Promise<void> {}
}
