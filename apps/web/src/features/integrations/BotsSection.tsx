import type { Bot } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { useConfirm } from '../../ui/confirm.tsx';
import { FormMessage } from '../../ui/FormMessage.tsx';
import { useAction } from '../../ui/use-action.ts';
import { integrationsApi } from './integrations-api.ts';
import { ShownOnce } from './ShownOnce.tsx';

/** Bot accounts: a name, what its token may do (read, post), revoke. */
export function BotsSection() {
  const [bots, setBots] = useState<Bot[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState({ read: true, post: true });
  const [token, setToken] = useState<string | null>(null);
  const load = () =>
    void integrationsApi.bots().then(
      (r) => setBots(r.bots),
      () => undefined,
    );
  const { said, run } = useAction(load);
  const { ask, dialog } = useConfirm();
  useEffect(load, []);
  const chosen = Object.entries(scopes)
    .filter(([, on]) => on)
    .map(([s]) => s);
  return (
    <section aria-label="Bots">
      <p class="dialog__hint">
        Bots sign in with a token (<code>Authorization: Bearer …</code>) for the REST API and{' '}
        <code>/api/stream</code>. They are not seats and never show as online.
      </p>
      <ul class="integration-list">
        {bots.map((b) => (
          <li key={b.id} class={b.revokedAt ? 'integration-list__item is-revoked' : 'integration-list__item'}>
            <span>
              <strong>{b.name}</strong> <span class="bot-badge">BOT</span> @{b.handle} · {b.scopes.join(', ')}
              {b.revokedAt && ' · revoked'}
            </span>
            {!b.revokedAt && (
              <button
                type="button"
                class="link-btn"
                onClick={() =>
                  ask(
                    `Revoke ${b.name}? Its token stops working at once.`,
                    'Revoke',
                    () => void run(() => integrationsApi.revokeBot(b.id), `${b.name} revoked`),
                  )
                }
              >
                Revoke
              </button>
            )}
          </li>
        ))}
        {bots.length === 0 && <li class="dialog__hint">No bots yet.</li>}
      </ul>
      <form
        class="integration-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const made = await integrationsApi.createBot(name, chosen);
            setToken(made.token);
            setName('');
          }, `${name} created`);
        }}
      >
        <input
          aria-label="Bot name"
          placeholder="Bot name"
          value={name}
          maxLength={80}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
        {(['read', 'post'] as const).map((s) => (
          <label key={s} class="integration-check">
            <input
              type="checkbox"
              checked={scopes[s]}
              onChange={(e) => setScopes({ ...scopes, [s]: e.currentTarget.checked })}
            />{' '}
            {s === 'read' ? 'Read' : 'Post'}
          </label>
        ))}
        <button type="submit" class="btn btn--primary" disabled={chosen.length === 0}>
          Create bot
        </button>
      </form>
      {token && <ShownOnce label="The bot's token" value={token} />}
      <FormMessage message={said} />
      {dialog}
    </section>
  );
}
