import type { Row } from '@rosterchirp/db';
import { type Group, messagePreview } from '@rosterchirp/protocol';
import { toAuthor } from './message-mapping.ts';
import { uploadUrl } from './row-mapping.ts';

/**
 * Groups as one viewer ($1) sees them: visible groups (public, or a membership), unread counts
 * against the viewer's read position, the last message and, for direct chats, the other person.
 * `extraWhere` may narrow it (e.g. `AND g.id = $2`).
 */
export function visibleGroupsSql(s: string, extraWhere = ''): string {
  return `WITH visible AS (
      SELECT g.id, g.type, g.name, g.created_by, g.avatar_key,
             COALESCE(gm.last_read_id, rp.last_read_id, 0) AS last_read,
             cp.level AS notify_level, cp.left_at AS left_at
      -- From the viewer's memberships and the public channels (both by index), never a scan of
      -- every conversation of the tenant: group rows take an update per message (their change
      -- sequence), so a scan also walks their old versions.
      FROM (SELECT group_id FROM ${s}.group_members WHERE user_id = $1
            UNION SELECT id FROM ${s}.groups WHERE type = 'public') mine
      JOIN ${s}.groups g ON g.id = mine.group_id
      LEFT JOIN ${s}.group_members gm ON gm.group_id = g.id AND gm.user_id = $1
      LEFT JOIN ${s}.read_positions rp ON rp.group_id = g.id AND rp.user_id = $1
      LEFT JOIN ${s}.conversation_prefs cp ON cp.group_id = g.id AND cp.user_id = $1
      WHERE true ${extraWhere}
    )
    SELECT v.id, v.type, v.name, v.created_by, v.avatar_key, v.notify_level, v.left_at,
      CASE WHEN v.type = 'public'
        THEN (SELECT active FROM ${s}.user_counts)
        ELSE (SELECT count(*)::int FROM ${s}.group_members WHERE group_id = v.id) END AS member_count,
      (SELECT count(*)::int FROM ${s}.messages um
        WHERE um.group_id = v.id AND um.id > v.last_read AND um.kind = 'user'
          AND um.deleted_at IS NULL AND um.author_id IS DISTINCT FROM $1) AS unread,
      lm.id AS lm_id, lm.content AS lm_content, lm.image_key AS lm_image_key, lm.deleted_at AS lm_deleted_at,
      lm.created_at AS lm_created_at, la.name AS lm_author_name, la.display_name AS lm_author_display_name,
      p.id AS p_id, p.name AS p_name, p.display_name AS p_display_name, p.handle AS p_handle,
      p.avatar_key AS p_avatar_key, p.status AS p_status
    FROM visible v
    LEFT JOIN LATERAL (SELECT * FROM ${s}.messages WHERE group_id = v.id ORDER BY id DESC LIMIT 1) lm ON true
    LEFT JOIN ${s}.users la ON la.id = lm.author_id
    LEFT JOIN LATERAL (
      SELECT u.* FROM ${s}.group_members pm JOIN ${s}.users u ON u.id = pm.user_id
      WHERE v.type = 'direct' AND pm.group_id = v.id AND pm.user_id <> $1 LIMIT 1) p ON true
    ORDER BY COALESCE(lm.id, 0) DESC, v.id DESC`;
}

export function toGroup(r: Row): Group {
  const peer = toAuthor(r, 'p_');
  const isDirect = r.type === 'direct';
  return {
    id: r.id as number,
    type: r.type as Group['type'],
    name: isDirect ? (peer?.name ?? 'Deleted User') : (r.name as string),
    memberCount: r.member_count as number,
    unread: r.unread as number,
    lastMessage:
      r.lm_id == null
        ? null
        : {
            id: r.lm_id as number,
            authorName: ((r.lm_author_display_name ?? r.lm_author_name) as string | null) ?? null,
            preview: messagePreview(r.lm_content as string, r.lm_image_key != null, r.lm_deleted_at != null),
            createdAt: (r.lm_created_at as Date).toISOString(),
          },
    readonly: isDirect && (peer === null || r.p_status === 'deleted'),
    peer,
    createdBy: (r.created_by as number | null) ?? null,
    avatarUrl: uploadUrl(r.avatar_key),
    joined: !(r.type === 'public' && r.left_at != null),
    notify: (r.notify_level as Group['notify'] | null) ?? (r.type === 'public' ? 'mentions' : 'all'),
  };
}
