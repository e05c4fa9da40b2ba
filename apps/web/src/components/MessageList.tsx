import type { Message } from '@rosterchirp/protocol';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { dayLabel, timeOf } from '../format.ts';
import type { Conversation, PendingMessage } from '../store.ts';
import { Avatar } from './Avatar.tsx';
import { RichText } from './RichText.tsx';

const GROUP_WINDOW_MS = 5 * 60_000;

function startsRun(prev: Message | undefined, m: Message): boolean {
  if (!prev || prev.kind === 'system' || m.kind === 'system') return true;
  if (prev.author?.id !== m.author?.id) return true;
  return new Date(m.createdAt).getTime() - new Date(prev.createdAt).getTime() > GROUP_WINDOW_MS;
}

export function MessageList(props: {
  conversation: Conversation;
  pending: PendingMessage[];
  myHandle: string;
  myName: string;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
}) {
  const { conversation: c } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevFirst = useRef<number | undefined>(undefined);
  const prevHeight = useRef(0);

  // Keep the view pinned to the bottom for new messages, and keep the reader's place when older ones load.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = c.messages[0]?.id;
    if (
      prevFirst.current !== undefined &&
      first !== undefined &&
      first < prevFirst.current &&
      !stick.current
    ) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevFirst.current = first;
    prevHeight.current = el.scrollHeight;
  }, [c.messages, props.pending.length]);

  function onScroll() {
    const el = scroller.current!;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    prevHeight.current = el.scrollHeight;
    if (el.scrollTop < 120 && c.hasMore && !c.loadingOlder) props.onLoadOlder();
  }

  let lastDay = '';
  return (
    <div class="messages" ref={scroller} onScroll={onScroll} role="log" aria-live="polite">
      <div class="messages__inner">
        {c.hasMore ? (
          <button type="button" class="load-older" onClick={props.onLoadOlder} disabled={c.loadingOlder}>
            {c.loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        ) : (
          c.loaded && <p class="messages__start">This is the very beginning of the conversation.</p>
        )}
        {c.messages.map((m, i) => {
          const day = dayLabel(m.createdAt);
          const showDay = day !== lastDay;
          lastDay = day;
          const prev = showDay ? undefined : c.messages[i - 1];
          return (
            <div key={m.id} data-message-id={m.id}>
              {showDay && (
                <div class="day-sep">
                  <span>{day}</span>
                </div>
              )}
              {m.kind === 'system' ? (
                <p class="msg-system">{m.content}</p>
              ) : (
                <MessageRow message={m} first={startsRun(prev, m)} myHandle={props.myHandle} />
              )}
            </div>
          );
        })}
        {props.pending.map((p) => (
          <div key={p.clientId} class={`msg msg--pending${p.failed ? ' msg--failed' : ''}`}>
            <div class="msg__gutter" />
            <div class="msg__main">
              <div class="msg__text">
                <RichText text={p.content} myHandle={props.myHandle} />
              </div>
              <div class="msg__status">
                {p.failed ? (
                  <>
                    Not sent.{' '}
                    <button type="button" class="link-btn" onClick={() => props.onRetry(p.clientId)}>
                      Retry
                    </button>
                  </>
                ) : (
                  'Sending…'
                )}
              </div>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

function MessageRow({ message: m, first, myHandle }: { message: Message; first: boolean; myHandle: string }) {
  const name = m.author?.name ?? 'Deleted User';
  return (
    <div class={`msg${first ? ' msg--first' : ''}`}>
      <div class="msg__gutter">
        {first ? (
          <Avatar name={name} url={m.author?.avatarUrl} size={36} />
        ) : (
          <span class="msg__hover-time">{timeOf(m.createdAt)}</span>
        )}
      </div>
      <div class="msg__main">
        {first && (
          <div class="msg__meta">
            <span class="msg__author">{name}</span>
            <time class="msg__time" dateTime={m.createdAt}>
              {timeOf(m.createdAt)}
            </time>
          </div>
        )}
        {m.replyTo && (
          <div class="msg__reply">
            <strong>{m.replyTo.author?.name ?? 'Deleted User'}</strong> {m.replyTo.excerpt}
          </div>
        )}
        {m.deletedAt ? (
          <div class="msg__text msg__text--deleted">This message was deleted.</div>
        ) : (
          <div class="msg__text">
            <RichText text={m.content} myHandle={myHandle} />
            {m.editedAt && <span class="msg__edited"> (edited)</span>}
          </div>
        )}
        {m.imageUrl && (
          <img class="msg__image" src={m.imageUrl} alt={`Attachment from ${name}`} loading="lazy" />
        )}
      </div>
    </div>
  );
}
