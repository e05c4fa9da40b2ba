import { type EventBus, rooms } from '@rosterchirp/protocol';

/**
 * Presence changes of one instance, coalesced per tenant: the first change starts a window of
 * `windowMs`, at its end one `presence:changed {online, offline}` goes to the tenant with each
 * user's last state in the window — so N people arriving together cost each connection one
 * event per window, not N. A user who came and went inside one window is sent as offline
 * (harmless to a client that never saw them online). `windowMs` 0 sends each change at once.
 */
export function createPresenceBatcher(bus: EventBus, windowMs: number) {
  const pending = new Map<string, { changes: Map<number, boolean>; timer: NodeJS.Timeout | null }>();

  const flush = (schema: string) => {
    const batch = pending.get(schema);
    pending.delete(schema);
    if (!batch || batch.changes.size === 0) return;
    const online: number[] = [];
    const offline: number[] = [];
    for (const [userId, isOnline] of batch.changes) (isOnline ? online : offline).push(userId);
    bus.emit(rooms.tenant(schema), 'presence:changed', { online, offline });
  };

  return {
    record(schema: string, userId: number, isOnline: boolean): void {
      let batch = pending.get(schema);
      if (!batch) {
        batch = { changes: new Map(), timer: null };
        pending.set(schema, batch);
      }
      // Map order is insertion order: a user changing again moves to the end, with the last state.
      batch.changes.delete(userId);
      batch.changes.set(userId, isOnline);
      if (windowMs === 0) {
        flush(schema);
        return;
      }
      if (!batch.timer) {
        batch.timer = setTimeout(() => flush(schema), windowMs);
        batch.timer.unref();
      }
    },
    /** Sends what is pending now (the instance is stopping). */
    flushAll(): void {
      for (const [schema, batch] of pending) {
        if (batch.timer) clearTimeout(batch.timer);
        flush(schema);
      }
    },
  };
}

export type PresenceBatcher = ReturnType<typeof createPresenceBatcher>;
