import pg from 'pg';

/** The channel the tenant migrations' triggers notify on (migration 014). */
export const CHANGE_CHANNEL = 'rosterchirp_changes';

/**
 * What changed, as the database said it at commit: a person (their row or one of their sessions),
 * a conversation (its row or its members), an integration that relays messages (`relays`: an
 * outgoing webhook or a bridged conversation, migration 015), or — `tenant`, id 0 — a tenant
 * moved to another shard (host catalog). `schema` is the tenant's.
 */
export interface ChangeNotice {
  kind: 'user' | 'group' | 'relays' | 'tenant';
  schema: string;
  id: number;
}

/**
 * Commit-time change notices from Postgres (LISTEN on a direct connection per database cluster):
 * what lets an instance keep copies of rows and drop them the moment another instance — or any
 * SQL at all — changes them. `live` is true only while every connection is listening; a cache
 * may serve from memory only then, and must forget everything on `reset` (a connection was lost
 * or is back: notices may have been missed).
 */
export interface ChangeNotices {
  readonly live: boolean;
  onNotice(listener: (notice: ChangeNotice) => void): void;
  onReset(listener: () => void): void;
  close(): Promise<void>;
}

const NOTICE_KINDS = new Set<string>(['user', 'group', 'relays', 'tenant']);

function parseChangeNotice(payload: string): ChangeNotice | null {
  const [kind, schema, id] = payload.split(':');
  if (!NOTICE_KINDS.has(kind ?? '') || !schema || !id || !/^\d+$/.test(id)) return null;
  return { kind: kind as ChangeNotice['kind'], schema, id: Number(id) };
}

export interface ChangeListenerOptions {
  /** Milliseconds between attempts to listen again after a lost connection. */
  retryMs?: number;
  onError?: (err: Error) => void;
}

/** Listens on every database cluster's direct URL (never through PgBouncer's transaction mode). */
export function listenForChanges(directUrls: string[], options: ChangeListenerOptions = {}): ChangeNotices {
  const retryMs = options.retryMs ?? 1000;
  const noticeListeners: Array<(n: ChangeNotice) => void> = [];
  const resetListeners: Array<() => void> = [];
  const listening = new Set<string>();
  const clients = new Map<string, pg.Client>();
  let closed = false;
  const reset = () => {
    for (const fn of resetListeners) fn();
  };

  const connect = async (url: string): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url, application_name: 'rosterchirp-change-notices' });
    clients.set(url, client);
    const lost = (err?: Error) => {
      if (clients.get(url) !== client) return;
      clients.delete(url);
      listening.delete(url);
      reset();
      if (err) options.onError?.(err);
      client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect(url), retryMs).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      const notice = msg.channel === CHANGE_CHANNEL && msg.payload ? parseChangeNotice(msg.payload) : null;
      if (notice) for (const fn of noticeListeners) fn(notice);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (clients.get(url) !== client) return;
      listening.add(url);
      reset(); // whatever was held before this connection listened may be stale
    } catch (err) {
      lost(err as Error);
    }
  };

  for (const url of directUrls) void connect(url);

  return {
    get live() {
      return !closed && directUrls.length > 0 && listening.size === directUrls.length;
    },
    onNotice: (fn) => noticeListeners.push(fn),
    onReset: (fn) => resetListeners.push(fn),
    async close() {
      closed = true;
      listening.clear();
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((c) => c.end().catch(() => undefined)));
    },
  };
}
