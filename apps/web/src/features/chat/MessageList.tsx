import type { Message } from '@rosterchirp/protocol/client';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Conversation, PendingMessage } from '../../store.ts';
import { dayLabel } from './format.ts';
import { type MessageActions, MessageRow } from './MessageRow.tsx';
import { RichText } from './RichText.tsx';
import { SystemText } from './SystemText.tsx';

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
  myId: number;
  isAdmin: boolean;
  readonly: boolean;
  highlightId: number | null;
  /** A "New messages" line goes above this message (the first unread when the conversation opened). */
  firstUnreadId: number | null;
  textSize: number;
  actions: MessageActions;
  onLoadOlder: () => void;
  onLoadNewer: () => void;
  onJumpLatest: () => Promise<void>;
  onRetry: (clientId: string) => void;
}) {
  const { conversation: c } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevFirst = useRef<number | undefined>(undefined);
  const [unseen, setUnseen] = useState(0);
  const lastCount = useRef(c.messages.length);

  /** The first visible message and its distance from the top: restored after the window changes. */
  const anchor = useRef<{ id: number; offset: number } | null>(null);

  function rememberAnchor() {
    const el = scroller.current;
    if (!el) return;
    for (const row of el.querySelectorAll<HTMLElement>('[data-message-id]')) {
      if (row.offsetTop + row.offsetHeight > el.scrollTop) {
        anchor.current = { id: Number(row.dataset.messageId), offset: row.offsetTop - el.scrollTop };
        return;
      }
    }
  }

  // Pinned to the bottom for new messages; otherwise the reader's place is kept while older
  // messages load above or the window drops rows.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = c.messages[0]?.id;
    if (stick.current && !c.hasNewer) {
      el.scrollTop = el.scrollHeight;
    } else {
      const kept =
        anchor.current && el.querySelector<HTMLElement>(`[data-message-id="${anchor.current.id}"]`);
      if (kept && anchor.current) el.scrollTop = kept.offsetTop - anchor.current.offset;
      if (c.messages.length > lastCount.current && first === prevFirst.current) {
        setUnseen((n) => n + c.messages.length - lastCount.current);
      }
    }
    lastCount.current = c.messages.length;
    prevFirst.current = first;
    rememberAnchor();
  }, [c.messages, props.pending.length]);

  function onScroll() {
    const el = scroller.current!;
    stick.current = !c.hasNewer && el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (stick.current) setUnseen(0);
    rememberAnchor();
    if (el.scrollTop < 200 && c.hasMore && !c.loadingOlder) props.onLoadOlder();
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 200 && c.hasNewer && !c.loadingOlder)
      props.onLoadNewer();
  }

  // Bring a highlighted message (search result, replied-to message) into view.
  useEffect(() => {
    if (props.highlightId === null) return;
    const el = scroller.current?.querySelector(`[data-message-id="${props.highlightId}"]`);
    if (el) {
      stick.current = false;
      el.scrollIntoView({ block: 'center' });
    }
  }, [props.highlightId, c.messages]);

  let lastDay = '';
  return (
    <div class="messages-wrap">
      {(unseen > 0 || c.hasNewer) && (
        <button
          type="button"
          class="new-pill"
          onClick={async () => {
            if (c.hasNewer) await props.onJumpLatest();
            const el = scroller.current!;
            stick.current = true;
            el.scrollTop = el.scrollHeight;
            setUnseen(0);
          }}
        >
          {unseen > 0 ? `${unseen} new message${unseen === 1 ? '' : 's'} ↓` : 'Jump to latest ↓'}
        </button>
      )}
      <div
        class="messages"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-live="polite"
        style={{ fontSize: `${props.textSize}px` }}
      >
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
              <div key={m.id}>
                {showDay && (
                  <div class="day-sep">
                    <span>{day}</span>
                  </div>
                )}
                {m.id === props.firstUnreadId && (
                  <div class="unread-sep">
                    <span>New messages</span>
                  </div>
                )}
                {m.kind === 'system' ? (
                  <p class="msg-system">
                    <SystemText text={m.content} />
                  </p>
                ) : (
                  <MessageRow
                    message={m}
                    first={startsRun(prev, m)}
                    myHandle={props.myHandle}
                    myId={props.myId}
                    isAdmin={props.isAdmin}
                    readonly={props.readonly}
                    highlighted={props.highlightId === m.id}
                    actions={props.actions}
                  />
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
    </div>
  );
}
