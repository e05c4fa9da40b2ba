import type { Message } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { Avatar } from '../../ui/Avatar.tsx';
import { markBroken, unmarkBroken } from '../../ui/broken-images.ts';
import { memo } from '../../ui/memo.ts';
import { countRender } from '../../ui/render-count.ts';
import { timeOf } from './format.ts';
import { RichText } from './RichText.tsx';

/** A device whose main pointer cannot hover (a phone or tablet). */
const touchOnly = () => matchMedia('(hover: none)').matches;

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

export interface MessageActions {
  onReply(m: Message): void;
  onReact(m: Message, emoji: string): void;
  onEdit(m: Message): void;
  onDelete(m: Message): void;
  onPin(m: Message, pinned: boolean): void;
  onJump(messageId: number): void;
  onOpenImage(url: string): void;
}

/** One message; re-rendered only when its own props change (see `memo`). */
export const MessageRow = memo(function MessageRow(props: {
  message: Message;
  first: boolean;
  myHandle: string;
  myId: number;
  isAdmin: boolean;
  readonly: boolean;
  highlighted: boolean;
  actions: MessageActions;
}) {
  countRender('MessageRow');
  const { message: m, actions } = props;
  const name = m.author?.name ?? 'Deleted User';
  const mine = m.author?.id === props.myId;
  const live = !m.deletedAt;
  // Touch screens have no hover: a tap (or a long press) on the message shows its actions.
  const [open, setOpen] = useState(false);
  const onTap = (e: MouseEvent) => {
    if (!touchOnly() || (e.target as Element).closest('button, a, input, textarea')) return;
    setOpen((o) => !o);
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: keyboards reach the actions through focus (:focus-within); the tap is a touch shortcut
    <div
      class={`msg${props.first ? ' msg--first' : ''}${props.highlighted ? ' msg--highlight' : ''}${open ? ' msg--open' : ''}`}
      data-message-id={m.id}
      onClick={onTap}
      onContextMenu={(e) => {
        if (!touchOnly()) return;
        e.preventDefault();
        setOpen(true);
      }}
    >
      <div class="msg__gutter">
        {props.first ? (
          <Avatar name={name} url={m.author?.avatarUrl} size={36} />
        ) : (
          <span class="msg__hover-time">{timeOf(m.createdAt)}</span>
        )}
      </div>
      <div class="msg__main">
        {props.first && (
          <div class="msg__meta">
            <span class="msg__author">{name}</span>
            {m.author?.bot && (
              <span class="bot-badge" title="Posted by a bot or an integration">
                BOT
              </span>
            )}
            <time class="msg__time" dateTime={m.createdAt}>
              {timeOf(m.createdAt)}
            </time>
            {m.pinned && <span class="msg__pinned">📌 Pinned</span>}
          </div>
        )}
        {m.replyTo && (
          <button type="button" class="msg__reply" onClick={() => actions.onJump(m.replyTo!.id)}>
            <strong>{m.replyTo.author?.name ?? 'Deleted User'}</strong> {m.replyTo.excerpt}
          </button>
        )}
        {m.deletedAt ? (
          <div class="msg__text msg__text--deleted">This message was deleted.</div>
        ) : (
          m.content && (
            <div class="msg__text">
              <RichText text={m.content} myHandle={props.myHandle} />
              {m.editedAt && <span class="msg__edited"> (edited)</span>}
            </div>
          )
        )}
        {m.imageUrl && (
          <button
            type="button"
            class="msg__image-btn"
            onClick={() => actions.onOpenImage(m.imageUrl!)}
            aria-label="Open image"
          >
            <img
              class="msg__image"
              src={m.thumbUrl ?? m.imageUrl}
              alt={`Shared by ${name}`}
              loading="lazy"
              onError={markBroken}
              onLoad={unmarkBroken}
            />
          </button>
        )}
        {m.linkPreview && (
          <a class="preview" href={m.linkPreview.url} target="_blank" rel="noopener noreferrer">
            <strong>{m.linkPreview.title ?? m.linkPreview.url}</strong>
            {m.linkPreview.description && <span>{m.linkPreview.description}</span>}
            <small>{new URL(m.linkPreview.url).hostname}</small>
          </a>
        )}
        {m.reactions.length > 0 && (
          <div class="reactions">
            {m.reactions.map((r) => (
              <button
                key={r.emoji}
                type="button"
                class={`reaction${r.mine ? ' reaction--mine' : ''}`}
                aria-pressed={r.mine}
                aria-label={`${r.emoji} ${r.count}`}
                disabled={props.readonly}
                onClick={() => actions.onReact(m, r.emoji)}
              >
                {r.emoji} <span>{r.count}</span>
              </button>
            ))}
          </div>
        )}
      </div>
      {live && !props.readonly && (
        <div
          class="msg__tools"
          role="toolbar"
          aria-label="Message actions"
          onClickCapture={() => setOpen(false)}
        >
          {QUICK_REACTIONS.slice(0, 3).map((e) => (
            <button
              key={e}
              type="button"
              title={`React ${e}`}
              aria-label={`React ${e}`}
              onClick={() => actions.onReact(m, e)}
            >
              {e}
            </button>
          ))}
          <button type="button" title="Reply" aria-label="Reply" onClick={() => actions.onReply(m)}>
            ↩
          </button>
          <button
            type="button"
            title={m.pinned ? 'Unpin' : 'Pin'}
            aria-label={m.pinned ? 'Unpin' : 'Pin'}
            onClick={() => actions.onPin(m, !m.pinned)}
          >
            📌
          </button>
          {mine && (
            <button type="button" title="Edit" aria-label="Edit" onClick={() => actions.onEdit(m)}>
              ✎
            </button>
          )}
          {(mine || props.isAdmin) && (
            <button type="button" title="Delete" aria-label="Delete" onClick={() => actions.onDelete(m)}>
              🗑
            </button>
          )}
        </div>
      )}
    </div>
  );
});
