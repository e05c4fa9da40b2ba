import { useState } from 'preact/hooks';
import { type Store, useStoreSlice } from '../../store.ts';
import { enablePush, pushSupported } from './device-push.ts';

const DISMISSED = 'rc-push-prompt';

/**
 * Asks about notifications at a moment that explains itself — right after the person sends a
 * message ("replies can reach you") — never on page load, once per browser, only while the
 * browser has not been asked yet. The permission prompt itself comes only from the click.
 */
export function PushPrompt(props: { store: Store }) {
  const { justSent } = useStoreSlice(props.store, (s) => {
    const last = s.activeId === null ? undefined : s.conversations[s.activeId]?.messages.at(-1);
    return { justSent: Boolean(s.me && last && last.author?.id === s.me.id) };
  });
  const [gone, setGone] = useState(
    () =>
      !pushSupported() ||
      typeof Notification === 'undefined' ||
      Notification.permission !== 'default' ||
      localStorage.getItem(DISMISSED) !== null,
  );
  const [error, setError] = useState<string | null>(null);
  if (gone || !justSent) return null;
  const close = (outcome: string) => {
    localStorage.setItem(DISMISSED, outcome);
    setGone(true);
  };
  return (
    <section class="push-prompt" aria-label="Notifications">
      <p>Get a notification when someone replies, even with this tab closed?</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog__actions dialog__actions--start">
        <button
          type="button"
          class="btn btn--primary btn--small"
          onClick={() =>
            void enablePush().then(
              () => close('enabled'),
              (err: Error) => setError(err.message),
            )
          }
        >
          Turn on
        </button>
        <button type="button" class="btn btn--small" onClick={() => close('dismissed')}>
          Not now
        </button>
      </div>
    </section>
  );
}
