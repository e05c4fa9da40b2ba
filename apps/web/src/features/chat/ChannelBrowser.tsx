import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { type Store, useStore } from '../../store.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import type { ChatClient } from './chat-client.ts';

/** Every public channel of the workspace: open one, join one you left, or leave one. */
export function ChannelBrowser(props: {
  store: Store;
  client: ChatClient;
  onOpen: (groupId: number) => void;
  onClose: () => void;
}) {
  const state = useStore(props.store);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const channels = state.groups
    .filter((g) => g.type === 'public' && g.name.toLowerCase().includes(query.trim().toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  const act = (run: Promise<unknown>) =>
    run.catch((err: unknown) => setError(err instanceof ApiError ? err.message : 'That did not work'));
  return (
    <Dialog label="Channels" title="Public channels" onClose={props.onClose}>
      <input
        class="input"
        type="search"
        aria-label="Find a channel"
        placeholder="Find a channel"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      <ul class="channels" aria-label="Public channels">
        {channels.map((g) => (
          <li key={g.id} class="channels__row">
            <button type="button" class="link-btn channels__name" onClick={() => props.onOpen(g.id)}>
              # {g.name}
            </button>
            <small>{g.memberCount} people</small>
            {g.joined ? (
              <button
                type="button"
                class="btn btn--small"
                aria-label={`Leave ${g.name}`}
                onClick={() => void act(props.client.setChannelJoined(g.id, false))}
              >
                Leave
              </button>
            ) : (
              <button
                type="button"
                class="btn btn--primary btn--small"
                aria-label={`Join ${g.name}`}
                onClick={() => void act(props.client.setChannelJoined(g.id, true))}
              >
                Join
              </button>
            )}
          </li>
        ))}
        {channels.length === 0 && <li class="dialog__hint">No channel matches.</li>}
      </ul>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
