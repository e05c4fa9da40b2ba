import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { type Store, useStore } from '../../store.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import type { ChatClient } from './chat-client.ts';

/** Start a direct message (pick one person), a private group (name + people) or — admins — a public channel. */
export function NewChatDialog({
  store,
  client,
  onClose,
}: {
  store: Store;
  client: ChatClient;
  onClose: () => void;
}) {
  const state = useStore(store);
  const [mode, setMode] = useState<'direct' | 'private' | 'public'>('direct');
  const isAdmin = state.me?.role === 'admin';
  const [query, setQuery] = useState('');
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const people = state.users
    .filter((u) => u.id !== state.me?.id && u.status === 'active')
    .filter((u) => `${u.name} ${u.handle} ${u.email}`.toLowerCase().includes(query.toLowerCase()));

  async function run(action: () => Promise<number>) {
    setError(null);
    try {
      const id = await action();
      onClose();
      await client.open(id);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong');
    }
  }

  return (
    <Dialog label="New conversation" title={'New conversation'} onClose={onClose}>
      <div class="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'direct'}
          class={mode === 'direct' ? 'tab tab--on' : 'tab'}
          onClick={() => setMode('direct')}
        >
          Direct message
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'private'}
          class={mode === 'private' ? 'tab tab--on' : 'tab'}
          onClick={() => setMode('private')}
        >
          Private group
        </button>
        {isAdmin && (
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'public'}
            class={mode === 'public' ? 'tab tab--on' : 'tab'}
            onClick={() => setMode('public')}
          >
            Public channel
          </button>
        )}
      </div>
      {mode === 'public' && (
        <>
          <p class="dialog__hint">Everyone in the workspace can read and post in a public channel.</p>
          <input
            class="input"
            aria-label="Channel name"
            placeholder="Channel name"
            value={name}
            maxLength={100}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button
            type="button"
            class="btn btn--primary btn--block"
            disabled={!name.trim()}
            onClick={() => void run(() => client.createPublic(name.trim()))}
          >
            Create channel
          </button>
        </>
      )}
      {mode === 'private' && (
        <input
          class="input"
          placeholder="Group name"
          value={name}
          maxLength={100}
          autocapitalize="words"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      )}
      {mode !== 'public' && (
        <>
          <input
            class="input"
            type="search"
            placeholder="Search people"
            value={query}
            autocapitalize="off"
            autocomplete="off"
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <ul class="people">
            {people.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  class={`person${picked.includes(u.id) ? ' person--on' : ''}`}
                  onClick={() =>
                    mode === 'direct'
                      ? void run(() => client.startDirect(u.id))
                      : setPicked((p) => (p.includes(u.id) ? p.filter((x) => x !== u.id) : [...p, u.id]))
                  }
                >
                  <Avatar name={u.name} url={u.avatarUrl} size={32} online={state.online.has(u.id)} />
                  <span class="person__name">
                    {u.displayName ?? u.name}
                    <small>@{u.handle}</small>
                  </span>
                  {mode === 'private' && <span class="check">{picked.includes(u.id) ? '✓' : ''}</span>}
                </button>
              </li>
            ))}
            {people.length === 0 && <li class="people__empty">Nobody matches “{query}”.</li>}
          </ul>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          {mode === 'private' && (
            <button
              type="button"
              class="btn btn--primary btn--block"
              disabled={!name.trim()}
              onClick={() => void run(() => client.createPrivate(name.trim(), picked))}
            >
              Create group{picked.length ? ` with ${picked.length}` : ''}
            </button>
          )}
        </>
      )}
    </Dialog>
  );
}
