import type { SearchReply } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import type { ChatClient } from './chat-client.ts';
import { shortWhen } from './format.ts';

/** Wraps the query's terms in <mark>, case-insensitively. */
function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  if (terms.length === 0) return <>{text}</>;
  const pattern = new RegExp(
    `(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'gi',
  );
  return <>{text.split(pattern).map((part, i) => (i % 2 === 1 ? <mark>{part}</mark> : part))}</>;
}

export function SearchPanel({
  client,
  onOpen,
}: {
  client: ChatClient;
  onOpen: (groupId: number, messageId: number) => void;
}) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchReply | null>(null);
  const [terms, setTerms] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  // Search as you type (after a pause of 300 ms); Enter searches at once.
  useEffect(() => {
    if (!q.trim()) return;
    const timer = setTimeout(() => void run(), 300);
    return () => clearTimeout(timer);
  }, [q]);

  async function run(before?: number) {
    const query = q.trim();
    if (!query) {
      setResults(null);
      return;
    }
    setError(null);
    try {
      const page = await client.search(query, before);
      setTerms(query.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
      setResults(
        before && results ? { results: [...results.results, ...page.results], hasMore: page.hasMore } : page,
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Search failed');
    }
  }

  return (
    <div class="search">
      <search>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <input
            type="search"
            class="search__input"
            placeholder="Search messages (type to search)"
            aria-label="Search messages"
            value={q}
            autocapitalize="off"
            autocomplete="off"
            onInput={(e) => {
              setQ(e.currentTarget.value);
              if (!e.currentTarget.value) setResults(null);
            }}
          />
        </form>
      </search>
      {error && <p class="search__empty">{error}</p>}
      {results && (
        <section class="search__results" aria-label="Search results">
          {results.results.length === 0 && <p class="search__empty">No messages match “{q}”.</p>}
          {results.results.map(({ message, group }) => (
            <button
              key={message.id}
              type="button"
              class="search__hit"
              onClick={() => onOpen(group.id, message.id)}
            >
              <span class="search__where">
                {group.type === 'public' ? '#' : ''}
                {group.name} · {message.author?.name ?? 'Deleted User'} · {shortWhen(message.createdAt)}
              </span>
              <span class="search__text">
                <Highlighted text={message.content} terms={terms} />
              </span>
            </button>
          ))}
          {results.hasMore && (
            <button
              type="button"
              class="load-older"
              onClick={() => void run(results.results.at(-1)?.message.id)}
            >
              More results
            </button>
          )}
        </section>
      )}
    </div>
  );
}
