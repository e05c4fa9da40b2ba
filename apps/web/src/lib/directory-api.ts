import type { User, UsersReply } from '@rosterchirp/protocol/client';
import { call } from './http.ts';

/** The directory of people (mentions, new chats and the People page read it). */
export const directoryApi = {
  /** One page of the directory (search by name, handle or email). */
  usersPage: (q: string, cursor: string | null, limit = 50) => {
    const params = new URLSearchParams({ limit: String(limit) });
    if (q) params.set('q', q);
    if (cursor) params.set('cursor', cursor);
    return call<UsersReply>('GET', `/api/users?${params}`);
  },
  /** The whole directory (mentions and new chats pick from it), page by page. */
  async users(): Promise<{ users: User[] }> {
    const users: User[] = [];
    let cursor: string | null = null;
    do {
      const page: UsersReply = await directoryApi.usersPage('', cursor, 200);
      users.push(...page.users);
      cursor = page.nextCursor;
    } while (cursor);
    return { users };
  },
};
