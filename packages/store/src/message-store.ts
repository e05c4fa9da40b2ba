import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, Message } from '@rosterchirp/protocol';

export interface NewMessage {
  groupId: number;
  authorId: number;
  clientId: string;
  content: string;
  imageKey: string | null;
  replyTo: number | null;
  mentions: string[];
  /** The name and picture an incoming webhook's post gives itself (else the author's). */
  senderName?: string | null;
  senderIcon?: string | null;
}

/** What access checks need of a message, without loading it whole. */
export interface MessageHead {
  groupId: number;
  authorId: number | null;
  kind: 'user' | 'system';
  deletedAt: Date | null;
}

/**
 * Messages of a conversation, their edits, pins and read positions. Every change moves the
 * conversation's change sequence (triggers of migration 008), so a change is never invisible to
 * `changedSince`.
 */
export interface InsertedMessage {
  id: number;
  createdAt: Date;
  seq: number;
}

export interface MessageStore {
  /** One message as `viewerId` sees it (reactions' `mine`), or null. */
  load(db: TenantDb, id: number, viewerId: number): Promise<Message | null>;
  head(db: TenantDb, id: number): Promise<MessageHead | null>;
  inGroup(db: TenantDb, id: number, groupId: number): Promise<boolean>;
  /**
   * Inserts several messages (of any groups of the tenant) in one statement and one commit, under
   * their groups' transaction locks, so ids within a group commit in order (after= recovery never
   * skips one). One answer per message, in order: null when its author already used its clientId
   * (earlier, or earlier in the same batch).
   */
  insertMany(db: TenantDb, messages: NewMessage[]): Promise<Array<InsertedMessage | null>>;
  byClientId(
    db: TenantDb,
    authorId: number,
    clientId: string,
  ): Promise<{ id: number; groupId: number } | null>;
  insertSystem(db: TenantDb, groupId: number, content: string): Promise<number>;
  /** Up to `limit` messages: newest first, before `before`, or oldest first after `after`. */
  page(
    db: TenantDb,
    groupId: number,
    viewerId: number,
    cursor: { before?: number | undefined; after?: number | undefined },
    limit: number,
  ): Promise<Message[]>;
  /** Messages whose latest change is after `since`, oldest change first. */
  changedSince(
    db: TenantDb,
    groupId: number,
    viewerId: number,
    since: number,
    limit: number,
  ): Promise<Message[]>;
  /** Keeps the previous text in the edit history. */
  edit(db: TenantDb, id: number, content: string, mentions: string[]): Promise<void>;
  /** Empties and marks deleted (row kept); the new change sequence, or null if it was gone. */
  softDelete(db: TenantDb, id: number): Promise<number | null>;
  setPreview(db: TenantDb, id: number, url: string): Promise<void>;
  setThumb(db: TenantDb, id: number, key: string): Promise<void>;
  /** Pins (by a user) or unpins (null); false when it already was in that state. */
  setPinned(db: TenantDb, id: number, byUserId: number | null): Promise<boolean>;
  pinned(db: TenantDb, groupId: number, viewerId: number, limit: number): Promise<Message[]>;
  /** Moves a read position forward, never back (members; readers of public channels). */
  markRead(db: TenantDb, groupId: number, userId: number, messageId: number, member: boolean): Promise<void>;
  readAll(db: TenantDb, userId: number): Promise<void>;
}

export type ReactionToggle = 'added' | 'removed' | 'full';

export interface ReactionStore {
  /** Adds or removes the user's reaction; 'full' when a new emoji would pass `maxDistinct`. */
  toggle(
    db: TenantDb,
    messageId: number,
    userId: number,
    emoji: string,
    maxDistinct: number,
  ): Promise<ReactionToggle>;
}

export interface LinkPreviewMeta {
  title: string | null;
  description: string | null;
  image: string | null;
}

export interface LinkPreviewStore {
  /** Whether a preview younger than `maxAgeHours` exists (true) or was refused (false); null: unknown. */
  fresh(db: TenantDb, url: string, maxAgeHours: number): Promise<boolean | null>;
  /** The fetched preview, or null for a refusal (cached as such). */
  save(db: TenantDb, url: string, meta: LinkPreviewMeta | null): Promise<void>;
}

export interface SearchStore {
  /**
   * Messages the viewer can read where every term matches as a word prefix or inside a word,
   * newest first, up to `limit` (ask one more for hasMore).
   */
  search(
    db: TenantDb,
    viewerId: number,
    terms: string[],
    before: number | undefined,
    limit: number,
  ): Promise<Message[]>;
  /** How each conversation is named for the viewer (a DM by the other person). */
  labels(
    db: TenantDb,
    groupIds: number[],
    viewerId: number,
  ): Promise<Map<number, { type: GroupType; name: string }>>;
}
