import type { PresenceConnection, PresenceOptions, PresenceStore } from '@rosterchirp/protocol';

/** Single-instance presence kept in this process. */
export class MemoryPresence implements PresenceStore {
  /** schema → userId → connectionId → expiresAt */
  private readonly tenants = new Map<string, Map<number, Map<string, number>>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: PresenceOptions) {
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
  }

  private connections(schema: string, userId: number, create: boolean): Map<string, number> | undefined {
    let users = this.tenants.get(schema);
    if (!users) {
      if (!create) return undefined;
      users = new Map();
      this.tenants.set(schema, users);
    }
    let conns = users.get(userId);
    if (!conns && create) {
      conns = new Map();
      users.set(userId, conns);
    }
    return conns;
  }

  private live(conns: Map<string, number> | undefined): number {
    if (!conns) return 0;
    const now = this.now();
    let n = 0;
    for (const expiresAt of conns.values()) if (expiresAt > now) n++;
    return n;
  }

  async connect(schema: string, userId: number, connectionId: string): Promise<boolean> {
    const conns = this.connections(schema, userId, true)!;
    const wasOnline = this.live(conns) > 0;
    conns.set(connectionId, this.now() + this.ttlMs);
    return !wasOnline;
  }

  async disconnect(schema: string, userId: number, connectionId: string): Promise<boolean> {
    const conns = this.connections(schema, userId, false);
    if (!conns?.has(connectionId)) return false;
    conns.delete(connectionId);
    const last = this.live(conns) === 0;
    if (conns.size === 0) this.tenants.get(schema)?.delete(userId);
    return last;
  }

  async heartbeat(connections: readonly PresenceConnection[]): Promise<void> {
    const expiresAt = this.now() + this.ttlMs;
    for (const c of connections) this.connections(c.schema, c.userId, true)!.set(c.connectionId, expiresAt);
  }

  async online(schema: string): Promise<number[]> {
    const users = this.tenants.get(schema);
    if (!users) return [];
    return [...users.entries()]
      .filter(([, conns]) => this.live(conns) > 0)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  /** One process: it is always this instance's turn. */
  async claimSweep(_leaseMs: number): Promise<boolean> {
    return true;
  }

  async expire(): Promise<Array<{ schema: string; userId: number }>> {
    const now = this.now();
    const wentOffline: Array<{ schema: string; userId: number }> = [];
    for (const [schema, users] of this.tenants) {
      for (const [userId, conns] of users) {
        let removed = false;
        for (const [id, expiresAt] of conns) {
          if (expiresAt <= now) {
            conns.delete(id);
            removed = true;
          }
        }
        if (conns.size === 0) {
          users.delete(userId);
          if (removed) wentOffline.push({ schema, userId });
        }
      }
    }
    return wentOffline;
  }

  async close(): Promise<void> {
    this.tenants.clear();
  }
}
