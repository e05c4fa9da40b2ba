import type { ConnectionLimits } from '@rosterchirp/config';

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { perUser: 20, perAddress: 500 };

/**
 * Live realtime connections (socket.io and /api/stream together) on this instance, per user and
 * per client address. One token opening hundreds of sockets, or one address opening thousands,
 * is refused with TOO_MANY_CONNECTIONS instead of eating the instance's memory.
 */
export class ConnectionCaps {
  private readonly perUser = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** A release function, or undefined when either cap is reached. */
  acquire(userKey: string, address: string): (() => void) | undefined {
    if ((this.perUser.get(userKey) ?? 0) >= this.limits.perUser) return undefined;
    if ((this.perAddress.get(address) ?? 0) >= this.limits.perAddress) return undefined;
    bump(this.perUser, userKey, 1);
    bump(this.perAddress, address, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bump(this.perUser, userKey, -1);
      bump(this.perAddress, address, -1);
    };
  }

  refusal(): string {
    return `Too many open connections (at most ${this.limits.perUser} per user and ${this.limits.perAddress} per address); close another tab or device`;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
