import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, Message, User } from '@rosterchirp/protocol';
import { AppError, invalid } from './app-error.ts';
import { assertCanPost, groupRoom } from './group-access.ts';
import { loadMessage, readableMessage } from './message-access.ts';

/**
 * Exactly one emoji as Unicode recommends it for general interchange (RGI): skin tones, ZWJ
 * families, flags and keycaps included; digits, letters or an emoji with text after it are not.
 * (The `v` flag's \p{RGI_Emoji}; built with RegExp because TypeScript's target predates it.)
 */
const UNICODE_SETS = 'v';
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', UNICODE_SETS);
const MAX_DISTINCT = 20;

export function isEmoji(value: string): boolean {
  return value.length <= 32 && EMOJI.test(value);
}

export function createReactionService(deps: { bus: EventBus }) {
  return {
    /** Adds the user's reaction, or removes it when present; everyone in the room hears. */
    async toggle(db: TenantDb, user: User, messageId: number, emoji: string): Promise<Message['reactions']> {
      if (!isEmoji(emoji)) throw invalid('emoji', 'Reactions are emoji');
      const { row, access } = await readableMessage(db, messageId, user);
      assertCanPost(access);
      if (row.deleted_at) throw new AppError('CONFLICT', 'A deleted message cannot be reacted to');
      await db.tx(async (q) => {
        // One toggle per message at a time: the distinct-emoji cap holds under concurrency.
        await q.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [
          `${db.schema}:reactions`,
          messageId,
        ]);
        const removed = await q.query(
          `DELETE FROM ${db.s}.reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3`,
          [messageId, user.id, emoji],
        );
        if (removed.rowCount) return;
        const distinct = await q.query<{ n: number }>(
          `SELECT count(DISTINCT emoji)::int AS n FROM ${db.s}.reactions WHERE message_id = $1 AND emoji <> $2`,
          [messageId, emoji],
        );
        if ((distinct.rows[0]?.n ?? 0) >= MAX_DISTINCT) {
          throw new AppError('CONFLICT', `A message can carry at most ${MAX_DISTINCT} different reactions`);
        }
        await q.query(
          `INSERT INTO ${db.s}.reactions (message_id, user_id, emoji) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [messageId, user.id, emoji],
        );
      });
      const { reactions, seq } = (await loadMessage(db, messageId, user.id))!;
      deps.bus.emit(groupRoom(db.schema, access), 'reaction:updated', {
        groupId: access.id,
        messageId,
        reactions: reactions.map((r) => ({ ...r, mine: false })),
        seq,
      });
      return reactions;
    },
  };
}

export type ReactionService = ReturnType<typeof createReactionService>;
