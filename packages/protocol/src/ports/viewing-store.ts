/**
 * Who is looking at which conversation right now (a visible, focused tab or app showing it), on
 * any instance: push notifications skip them. A connection reports what it shows and repeats
 * it while it still does; an entry not repeated within the TTL lapses (a crashed instance's too).
 */
export interface ViewingStore {
  /** The connection shows `groupId` (null: no conversation, or the app is hidden). */
  set(schema: string, connectionId: string, userId: number, groupId: number | null): Promise<void>;
  /** Of `userIds`, those with a connection showing `groupId` now. */
  viewers(schema: string, groupId: number, userIds: readonly number[]): Promise<Set<number>>;
  close(): Promise<void>;
}
