/**
 * Presence seam: a user is online while any connection of theirs, on any instance, is alive.
 * Connections refresh their entry with heartbeats; entries whose heartbeats stop expire.
 */
export interface PresenceStore {
  /** Registers a live connection. Returns true when it is the user's first live connection. */
  connect(schema: string, userId: number, connectionId: string): Promise<boolean>;
  /** Removes a connection. Returns true when it was the user's last live connection. */
  disconnect(schema: string, userId: number, connectionId: string): Promise<boolean>;
  /** Keeps connections alive for another TTL: one call for all of an instance's connections. */
  heartbeat(connections: readonly PresenceConnection[]): Promise<void>;
  /** Users of the tenant with at least one live connection. */
  online(schema: string): Promise<number[]>;
  /** Drops connections whose heartbeats stopped; returns users that went offline because of it. */
  expire(): Promise<Array<{ schema: string; userId: number }>>;
  /**
   * Whether this instance runs the expiry sweep now: across instances sharing the store, one
   * claim per `leaseMs` succeeds (the others skip this round). Alone: always.
   */
  claimSweep(leaseMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface PresenceConnection {
  schema: string;
  userId: number;
  connectionId: string;
}

export interface PresenceOptions {
  /** How long a connection stays alive without a heartbeat. */
  ttlMs: number;
  now?: () => number;
}
