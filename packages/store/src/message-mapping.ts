import type { Row } from '@rosterchirp/db';
import type { Author, Member, Message } from '@rosterchirp/protocol';
import { messagePreview } from '@rosterchirp/protocol';
import { iso, str, uploadUrl } from './row-mapping.ts';

/** Message, member and author rows → API shapes (the SQL of the message and group stores). */

export function toMember(r: Row): Member {
  return {
    id: r.id as number,
    name: r.name as string,
    displayName: str(r.display_name),
    handle: r.handle as string,
    avatarUrl: uploadUrl(r.avatar_key),
    role: r.role as Member['role'],
    status: r.status as Member['status'],
    lastOnline: iso(r.last_online),
    ...(r.bot ? { bot: true } : {}),
  };
}

export function toAuthor(r: Row, prefix: string): Author | null {
  if (r[`${prefix}id`] == null) return null;
  return {
    id: r[`${prefix}id`] as number,
    name: (str(r[`${prefix}display_name`]) ?? r[`${prefix}name`]) as string,
    handle: r[`${prefix}handle`] as string,
    avatarUrl: uploadUrl(r[`${prefix}avatar_key`]),
    ...(r[`${prefix}bot`] === true ? { bot: true } : {}),
  };
}

/** Columns read by toMessage; `viewerParam` (e.g. `$2`) must be bound to the viewer's user id. */
export function messageSelect(s: string, viewerParam: string): string {
  return `SELECT m.id, m.group_id, m.seq, m.client_id, m.kind, m.content, m.image_key, m.mentions, m.pinned_at,
                  m.edited_at, m.deleted_at, m.created_at, m.preview_url, m.thumb_key,
      lp.title AS lp_title, lp.description AS lp_description, lp.image_url AS lp_image_url,
      a.id AS a_id, a.name AS a_name, a.display_name AS a_display_name, a.handle AS a_handle, a.avatar_key AS a_avatar_key, a.bot_scopes IS NOT NULL AS a_bot, m.sender_name, m.sender_icon,
      r.id AS r_id, r.content AS r_content, r.deleted_at AS r_deleted_at, r.image_key AS r_image_key,
      ra.id AS ra_id, ra.name AS ra_name, ra.display_name AS ra_display_name, ra.handle AS ra_handle, ra.avatar_key AS ra_avatar_key,
      COALESCE((SELECT json_agg(json_build_object('emoji', x.emoji, 'count', x.n, 'mine', x.mine, 'userIds', x.user_ids) ORDER BY x.first)
        FROM (SELECT emoji, count(*)::int AS n, bool_or(user_id = ${viewerParam}) AS mine, min(created_at) AS first,
                     array_agg(user_id ORDER BY created_at) AS user_ids
              FROM ${s}.reactions WHERE message_id = m.id GROUP BY emoji) x), '[]'::json) AS reactions
    FROM ${s}.messages m
    LEFT JOIN ${s}.users a ON a.id = m.author_id
    LEFT JOIN ${s}.messages r ON r.id = m.reply_to
        LEFT JOIN ${s}.users ra ON ra.id = r.author_id
    LEFT JOIN ${s}.link_previews lp ON lp.url = m.preview_url AND lp.ok`;
}

export function toMessage(r: Row): Message {
  const deleted = r.deleted_at != null;
  let replyTo: Message['replyTo'] = null;
  if (r.r_id != null) {
    // The quoted words without their Markdown markers (a quote is one plain line).
    const text = messagePreview((r.r_content as string) ?? '', r.r_image_key != null, r.r_deleted_at != null);
    replyTo = { id: r.r_id as number, author: toAuthor(r, 'ra_'), excerpt: text.slice(0, 140) };
  }
  return {
    id: r.id as number,
    groupId: r.group_id as number,
    seq: Number(r.seq),
    clientId: str(r.client_id),
    author: withSender(toAuthor(r, 'a_'), r),
    kind: r.kind as Message['kind'],
    content: deleted ? '' : (r.content as string),
    imageUrl: deleted ? null : uploadUrl(r.image_key),
    thumbUrl: deleted ? null : uploadUrl(r.thumb_key),
    replyTo,
    reactions: r.reactions as Message['reactions'],
    mentions: (r.mentions as string[]) ?? [],
    pinned: r.pinned_at != null,
    linkPreview:
      deleted || r.preview_url == null || (r.lp_title == null && r.lp_description == null)
        ? null
        : {
            url: r.preview_url as string,
            title: str(r.lp_title),
            description: str(r.lp_description),
            imageUrl: str(r.lp_image_url),
          },
    editedAt: iso(r.edited_at),
    deletedAt: iso(r.deleted_at),
    createdAt: iso(r.created_at) as string,
  };
}

/** An incoming webhook's post may name itself (Slack's `username`, `icon_url`). */
function withSender(author: Author | null, r: Row): Author | null {
  if (!author || (r.sender_name == null && r.sender_icon == null)) return author;
  return {
    ...author,
    name: str(r.sender_name) ?? author.name,
    avatarUrl: str(r.sender_icon) ?? author.avatarUrl,
  };
}
