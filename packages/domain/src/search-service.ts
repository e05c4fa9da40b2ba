import type { TenantDb } from '@rosterchirp/db';
import type { GroupType, SearchQuery, SearchReply, User } from '@rosterchirp/protocol';
import { invalid } from './app-error.ts';
import { messageSelect, toMessage } from './mappers.ts';

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

/** Fewer matches than this: a rare query, answered from the text indexes. */
const RARE_BELOW = 2000;

/** `%`, `_` and `\` are literal in the user's text. */
const likeEscape = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Search across the conversations the user can read: every term must match, either as a
 * word prefix (full-text, `simple` config) or anywhere inside a word (trigram index on
 * ILIKE). Newest first; `before=<message id>` pages back; `hasMore` is exact.
 */
export function createSearchService() {
  return {
    async search(db: TenantDb, user: User, query: SearchQuery): Promise<SearchReply> {
      const terms = searchTerms(query.q);
      if (terms.length === 0) throw invalid('q', 'Search for at least one letter or digit');
      const limit = query.limit ?? 20;
      const params: unknown[] = [user.id, limit + 1];
      const clauses = terms.map((term) => {
        params.push(`${term}:*`, `%${likeEscape(term)}%`);
        const n = params.length;
        return `(m.search @@ to_tsquery('simple', $${n - 1}) OR m.content ILIKE $${n})`;
      });
      if (query.before !== undefined) {
        params.push(query.before);
        clauses.push(`m.id < $${params.length}`);
      }
      // Rare terms: the planner would walk the id index newest-first through every row. A
      // bounded probe on the text indexes tells rare from common; rare queries then use the
      // text indexes (bitmap scans) and sort the few hits (SET LOCAL: transaction-scoped, safe
      // through PgBouncer).
      const termParams = params.slice(2, 2 + terms.length * 2);
      const termWhere = clauses
        .slice(0, terms.length)
        .join(' AND ')
        .replace(/\$(\d+)/g, (_, n) => `$${Number(n) - 2}`);
      const run = (q: { query: TenantDb['query'] }) =>
        q.query(
          `${messageSelect(db.s, '$1')}
         JOIN ${db.s}.groups g ON g.id = m.group_id
         WHERE m.deleted_at IS NULL AND m.kind = 'user'
           AND (g.type = 'public' OR EXISTS (SELECT 1 FROM ${db.s}.group_members gm WHERE gm.group_id = g.id AND gm.user_id = $1))
           AND ${clauses.join(' AND ')}
         ORDER BY m.id DESC LIMIT $2`,
          params,
        );
      const rare = await db.tx(async (q) => {
        await q.query('SET LOCAL enable_seqscan = off');
        await q.query('SET LOCAL enable_indexscan = off');
        const probe = await q.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${db.s}.messages m WHERE ${termWhere} LIMIT ${RARE_BELOW}) x`,
          termParams,
        );
        return (probe.rows[0]?.n ?? 0) < RARE_BELOW;
      });
      const { rows } = rare
        ? await db.tx(async (q) => {
            await q.query('SET LOCAL enable_indexscan = off');
            return run(q);
          })
        : await run(db);
      const page = rows.slice(0, limit);
      const groupIds = [...new Set(page.map((r) => r.group_id as number))];
      const names = new Map<number, { type: GroupType; name: string }>();
      if (groupIds.length) {
        const g = await db.query<{ id: number; type: GroupType; name: string; peer: string | null }>(
          `SELECT g.id, g.type, g.name,
             (SELECT COALESCE(u.display_name, u.name) FROM ${db.s}.group_members pm JOIN ${db.s}.users u ON u.id = pm.user_id
              WHERE g.type = 'direct' AND pm.group_id = g.id AND pm.user_id <> $2 LIMIT 1) AS peer
           FROM ${db.s}.groups g WHERE g.id = ANY($1::int[])`,
          [groupIds, user.id],
        );
        for (const r of g.rows)
          names.set(r.id, { type: r.type, name: r.type === 'direct' ? (r.peer ?? 'Deleted User') : r.name });
      }
      return {
        results: page.map((r) => {
          const message = toMessage(r);
          return { message, group: { id: message.groupId, ...names.get(message.groupId)! } };
        }),
        hasMore: rows.length > limit,
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
