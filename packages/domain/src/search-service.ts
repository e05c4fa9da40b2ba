import type { TenantDb } from '@rosterchirp/db';
import type { SearchQuery, SearchReply, User } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { invalid } from './app-error.ts';

/** Splits a query into at most 8 terms of letters/digits (quotes and operators are text). */
export function searchTerms(q: string): string[] {
  return [
    ...new Set(
      q
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((t) => t.length > 0),
    ),
  ].slice(0, 8);
}

/**
 * Search across the conversations the user can read: every term must match, either as a
 * word prefix or anywhere inside a word. Newest first; `before=<message id>` pages back;
 * `hasMore` is exact.
 */
export function createSearchService(deps: { stores: Pick<Stores, 'search'> }) {
  const { search } = deps.stores;
  return {
    async search(db: TenantDb, user: User, query: SearchQuery): Promise<SearchReply> {
      const terms = searchTerms(query.q);
      if (terms.length === 0) throw invalid('q', 'Search for at least one letter or digit');
      const limit = query.limit ?? 20;
      const found = await search.search(db, user.id, terms, query.before, limit + 1);
      const page = found.slice(0, limit);
      const names = await search.labels(db, [...new Set(page.map((m) => m.groupId))], user.id);
      return {
        results: page.map((message) => ({
          message,
          group: { id: message.groupId, ...names.get(message.groupId)! },
        })),
        hasMore: found.length > limit,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
