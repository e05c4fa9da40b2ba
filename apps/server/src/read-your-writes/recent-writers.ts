/**
 * Who wrote in the last window (READ_YOUR_WRITES_MS): their replica-eligible reads go to the
 * primary, so a read replica that has not replayed their write yet never hides it from them —
 * whichever instance their next request lands on when the marks are shared (Redis).
 */
export interface RecentWriters {
  /** Marks a successful write (a non-GET request, a socket send); never throws. */
  wrote(schema: string, userId: number): void;
  /** Did this person write within the window? Unknown (the shared store is away): yes. */
  recently(schema: string, userId: number): Promise<boolean>;
}
