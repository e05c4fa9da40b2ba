import type { TenantDb } from '@rosterchirp/db';
import type { EventBus, Message, User } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError, invalid } from './app-error.ts';
import { assertCanPost, groupRoom } from './group-access.ts';
import type { MessageAccess } from './message-access.ts';

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

export function createReactionService(deps: {
  bus: EventBus;
  stores: Pick<Stores, 'reactions'>;
  access: MessageAccess;
}) {
  return {
    /** Adds the user's reaction, or removes it when present; everyone in the room hears. */
    async toggle(db: TenantDb, user: User, messageId: number, emoji: string): Promise<Message['reactions']> {
      if (!isEmoji(emoji)) throw invalid('emoji', 'Reactions are emoji');
      const { row, access } = await deps.access.readable(db, messageId, user);
      assertCanPost(access);
      if (row.deletedAt) throw new AppError('CONFLICT', 'A deleted message cannot be reacted to');
      if ((await deps.stores.reactions.toggle(db, messageId, user.id, emoji, MAX_DISTINCT)) === 'full') {
        throw new AppError('CONFLICT', `A message can carry at most ${MAX_DISTINCT} different reactions`);
      }
      const { reactions, seq } = (await deps.access.load(db, messageId, user.id))!;
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
