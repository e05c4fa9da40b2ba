import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import { type BotKind, type Stores, UserTaken } from '@rosterchirp/store';
import { AppError } from '../app-error.ts';
import { baseHandle, uniqueHandle } from '../handle.ts';

/**
 * Makes a bot user: a collision-safe handle like a person's, an address that can never receive
 * mail, no password (it signs in with a token or not at all).
 */
export async function createBotUser(
  stores: Pick<Stores, 'users' | 'integrations'>,
  db: TenantDb,
  bot: { name: string; scopes: string[]; kind: BotKind; createdBy: number | null },
): Promise<User> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const handle = uniqueHandle(bot.name, await stores.users.handlesLike(db, baseHandle(bot.name)));
    try {
      return await stores.integrations.insertBot(db, {
        ...bot,
        handle,
        email: `bot-${randomBytes(8).toString('hex')}@bots.invalid`,
      });
    } catch (err) {
      if (!(err instanceof UserTaken)) throw err;
    }
  }
  throw new AppError('CONFLICT', 'Could not find a free handle; try again');
}
