import type { ChatClient } from '../chat-client.ts';
import type { ChatState } from '../store.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';

export function ConversationView({ state, client }: { state: ChatState; client: ChatClient }) {
  const group = state.groups.find((g) => g.id === state.activeId);
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
  const c = state.conversations[group.id] ?? {
    messages: [],
    hasMore: false,
    loaded: false,
    loadingOlder: false,
  };
  const now = Date.now();
  const typers = Object.entries(state.typing[group.id] ?? {})
    .filter(([id, until]) => until > now && Number(id) !== state.me?.id)
    .map(([id]) => state.users.find((u) => u.id === Number(id))?.name.split(' ')[0] ?? 'Someone');
  const subtitle =
    group.type === 'direct'
      ? group.peer && state.online.has(group.peer.id)
        ? 'Online'
        : 'Offline'
      : `${group.memberCount} member${group.memberCount === 1 ? '' : 's'}`;
  return (
    <section class="conversation" aria-label={group.name}>
      <header class="conversation__header">
        <button
          type="button"
          class="icon-btn back-btn"
          aria-label="Back to conversations"
          onClick={client.close}
        >
          ‹
        </button>
        <div>
          <h1>
            {group.type === 'public' ? '# ' : ''}
            {group.name}
          </h1>
          <p class="conversation__sub">{subtitle}</p>
        </div>
      </header>
      {c.loaded ? (
        <MessageList
          conversation={c}
          pending={state.pending.filter((p) => p.groupId === group.id)}
          myHandle={state.me?.handle ?? ''}
          myName={state.me?.name ?? ''}
          onLoadOlder={() => void client.loadOlder(group.id)}
          onRetry={client.retry}
        />
      ) : (
        <div class="messages messages--loading">Loading messages…</div>
      )}
      <div class="typing" aria-live="polite">
        {typers.length > 0 && `${typers.join(', ')} ${typers.length === 1 ? 'is' : 'are'} typing…`}
      </div>
      <Composer
        groupId={group.id}
        disabled={group.readonly}
        placeholder={
          group.readonly
            ? 'This conversation is read-only'
            : `Message ${group.type === 'public' ? '#' : ''}${group.name}`
        }
        onSend={(text) => client.send(group.id, text)}
        onTyping={() => client.typing(group.id)}
      />
    </section>
  );
}
