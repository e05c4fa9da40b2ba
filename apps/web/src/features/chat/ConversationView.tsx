import { type Message, messagePreview } from '@rosterchirp/protocol/client';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { type Store, useStoreSlice } from '../../store.ts';
import { BackButton } from '../../ui/BackButton.tsx';
import { useConfirm } from '../../ui/confirm.tsx';
import { lazyPart } from '../../ui/lazy-part.tsx';
import { startCall } from '../integrations/start-call.ts';
import { Composer } from './Composer.tsx';
import type { ChatClient } from './chat-client.ts';
import { MessageList } from './MessageList.tsx';
import type { MessageActions } from './MessageRow.tsx';
import { TypingHint } from './TypingHint.tsx';

/** The first of the last `count` messages others wrote (the unread ones), if any. */
function firstUnread(messages: Message[], count: number, meId: number | undefined): number | null {
  if (count <= 0) return null;
  const others = messages.filter((m) => m.kind === 'user' && m.author?.id !== meId);
  return others[Math.max(0, others.length - count)]?.id ?? null;
}

const ConversationInfoDialog = lazyPart(() =>
  import('./ConversationInfoDialog.tsx').then((m) => m.ConversationInfoDialog),
);

const TEXT_SIZES = [13, 14, 15, 17, 19];

function storedTextSize(): number {
  const n = Number(localStorage.getItem('rc.textSize') ?? '2');
  return Number.isInteger(n) && n >= 0 && n < TEXT_SIZES.length ? n : 2;
}

export function ConversationView({
  store,
  client,
  highlight,
}: {
  store: Store;
  client: ChatClient;
  highlight: number | null;
}) {
  // What the conversation shows; its rows are memoised on their own props.
  const state = useStoreSlice(store, (s) => ({
    groups: s.groups,
    activeId: s.activeId,
    conversations: s.conversations,
    pending: s.pending,
    typing: s.typing,
    users: s.users,
    online: s.online,
    me: s.me,
    calls: s.calls,
  }));
  const group = state.groups.find((g) => g.id === state.activeId);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [pins, setPins] = useState<Message[] | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const [info, setInfo] = useState(false);
  // How many were unread when the conversation opened: a "New messages" line goes above them.
  const [unreadAtOpen, setUnreadAtOpen] = useState<{ gid: number; count: number } | null>(null);
  useEffect(() => {
    setUnreadAtOpen(group ? { gid: group.id, count: group.unread } : null);
  }, [group?.id]);
  // The image viewer closes with Escape wherever the focus is (listening before the first paint).
  useLayoutEffect(() => {
    if (!image) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setImage(null);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [image]);
  const [uploading, setUploading] = useState(false);
  const [jumpTo, setJumpTo] = useState<number | null>(null);
  const [textSize, setTextSize] = useState(storedTextSize);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    setReplyTo(null);
    setEditing(null);
    setPins(null);
    setJumpTo(null);
  }, [group?.id]);
  useEffect(() => setJumpTo(highlight), [highlight]);

  if (!group) {
    return (
      <section class="conversation conversation--empty">
        <div class="empty-state">
          <img src="/icon.svg" alt="" width={72} height={72} />
          <h2>Welcome, {state.me?.displayName ?? state.me?.name}</h2>
          <p>Pick a conversation on the left, or start a new one.</p>
        </div>
      </section>
    );
  }
  const gid = group.id;
  const c = state.conversations[gid] ?? {
    messages: [],
    hasMore: false,
    hasNewer: false,
    loaded: false,
    loadingOlder: false,
  };
  const subtitle =
    group.type === 'direct'
      ? group.peer && state.online.has(group.peer.id)
        ? 'Online'
        : 'Offline'
      : `${group.memberCount} member${group.memberCount === 1 ? '' : 's'}`;

  const fail = (err: unknown) =>
    client.notify(err instanceof ApiError ? err.message : 'Something went wrong');
  const confirm = useConfirm();
  // One actions object for the conversation's lifetime, so memoised rows never re-render for it.
  const gidNow = useRef(gid);
  gidNow.current = gid;
  const actions = useMemo<MessageActions>(
    () => ({
      onReply: (m) => {
        setEditing(null);
        setReplyTo(m);
      },
      onReact: (m, emoji) => void client.react(m, emoji).catch(fail),
      onEdit: (m) => {
        setReplyTo(null);
        setEditing(m);
      },
      onDelete: (m) => {
        confirm.ask('Delete this message for everyone?', 'Delete', () => void client.remove(m).catch(fail));
      },
      onPin: (m, pinned) => void client.pin(m, pinned).catch(fail),
      onJump: (id) => {
        void client.reveal(gidNow.current, id).then(() => setJumpTo(id));
      },
      onOpenImage: setImage,
    }),
    [client],
  );
  const sendImage = async (file: File) => {
    setUploading(true);
    try {
      const imageKey = await client.uploadImage(file);
      client.send(gid, '', { imageKey, ...(replyTo ? { replyTo: replyTo.id } : {}) });
      setReplyTo(null);
    } catch (err) {
      fail(err);
    } finally {
      setUploading(false);
    }
  };
  const changeSize = (step: number) => {
    const next = Math.min(TEXT_SIZES.length - 1, Math.max(0, textSize + step));
    setTextSize(next);
    localStorage.setItem('rc.textSize', String(next));
  };

  return (
    <section
      class={`conversation${dragging ? ' conversation--drop' : ''}`}
      aria-label={group.name}
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer?.files[0];
        if (file && !group.readonly) void sendImage(file);
      }}
    >
      <header class="conversation__header">
        <BackButton label="Back to conversations" onClick={client.close} />
        <button type="button" class="conversation__title" onClick={() => setInfo(true)}>
          <span class="visually-hidden">About </span>
          <h1>
            {group.type === 'public' ? '# ' : ''}
            {group.name}
          </h1>
          <p class="conversation__sub">{subtitle}</p>
        </button>
        <div class="conversation__tools">
          {state.calls && (
            <button
              type="button"
              class="icon-btn"
              aria-label="Start a call"
              title="Start a call"
              onClick={() => void startCall(gid, client.notify)}
            >
              📞
            </button>
          )}
          <button
            type="button"
            class="icon-btn"
            aria-label="A− smaller text"
            title="Smaller text"
            disabled={textSize === 0}
            onClick={() => changeSize(-1)}
          >
            A−
          </button>
          <button
            type="button"
            class="icon-btn"
            aria-label="A+ larger text"
            title="Larger text"
            disabled={textSize === TEXT_SIZES.length - 1}
            onClick={() => changeSize(1)}
          >
            A+
          </button>
          <button
            type="button"
            class="icon-btn"
            aria-label="Pinned messages"
            title="Pinned messages"
            onClick={() =>
              pins ? setPins(null) : void client.pins(gid).then((r) => setPins(r.messages), fail)
            }
          >
            📌
          </button>
        </div>
      </header>
      {pins && (
        <section class="pins" aria-label="Pinned messages">
          <div class="pins__head">
            <strong>Pinned</strong>
            <button type="button" class="link-btn" onClick={() => setPins(null)}>
              Close
            </button>
          </div>
          {pins.length === 0 && <p class="pins__empty">Nothing pinned yet.</p>}
          {pins.map((m) => (
            <button key={m.id} type="button" class="pins__item" onClick={() => actions.onJump(m.id)}>
              <strong>{m.author?.name ?? 'Deleted User'}</strong>{' '}
              {messagePreview(m.content, m.imageUrl !== null, m.deletedAt !== null)}
            </button>
          ))}
        </section>
      )}
      {c.loaded ? (
        <MessageList
          conversation={c}
          pending={state.pending.filter((p) => p.groupId === gid)}
          myHandle={state.me?.handle ?? ''}
          myId={state.me?.id ?? 0}
          isAdmin={state.me?.role === 'admin'}
          readonly={group.readonly}
          highlightId={jumpTo}
          firstUnreadId={firstUnread(
            c.messages,
            unreadAtOpen?.gid === gid ? unreadAtOpen.count : 0,
            state.me?.id,
          )}
          textSize={TEXT_SIZES[textSize]!}
          actions={actions}
          onLoadOlder={() => void client.loadOlder(gid)}
          onLoadNewer={() => void client.loadNewer(gid)}
          onJumpLatest={() => client.jumpToLatest(gid)}
          onRetry={client.retry}
        />
      ) : (
        <div class="messages messages--loading">Loading messages…</div>
      )}
      <TypingHint typing={state.typing[gid]} meId={state.me?.id} users={state.users} />
      <Composer
        groupId={gid}
        disabled={group.readonly}
        users={state.users}
        replyTo={replyTo}
        editing={editing}
        uploading={uploading}
        placeholder={
          group.readonly
            ? 'This conversation is read-only'
            : `Message ${group.type === 'public' ? '#' : ''}${group.name}`
        }
        onCancel={() => {
          setReplyTo(null);
          setEditing(null);
        }}
        onSend={(text) => {
          if (c.hasNewer) void client.jumpToLatest(gid);
          client.send(gid, text, replyTo ? { replyTo: replyTo.id } : {});
          setReplyTo(null);
        }}
        onSaveEdit={(text) => {
          const m = editing;
          setEditing(null);
          if (m) void client.edit(m, text).catch(fail);
        }}
        onImage={(file) => void sendImage(file)}
        onTyping={() => client.typing(gid)}
      />
      {confirm.dialog}
      {info && state.me && (
        <ConversationInfoDialog
          group={group}
          me={state.me}
          client={client}
          users={state.users}
          online={state.online}
          onLeft={client.close}
          onClose={() => setInfo(false)}
        />
      )}
      {image && (
        <div
          class="viewer"
          role="dialog"
          aria-label="Image"
          onClick={() => setImage(null)}
          onKeyDown={() => undefined}
        >
          <img src={image} alt="Full size" />
        </div>
      )}
    </section>
  );
}
