import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';
import { scheduleApi } from './schedule-api.ts';

/**
 * The person's secret calendar link (Google, Apple or Outlook subscribe to it). It is shown
 * once when made; making a new one turns the old one off, and it can be turned off at any time.
 */
export function CalendarFeedDialog(props: { onClose: () => void }) {
  const [active, setActive] = useState<boolean | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [said, setSaid] = useState<Said | null>(null);
  useEffect(() => {
    scheduleApi.feedStatus().then(
      (s) => setActive(s.active),
      () => setActive(false),
    );
  }, []);
  const run = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      setSaid({ text: err instanceof ApiError ? err.message : 'Something went wrong', error: true });
    }
  };
  return (
    <Dialog label="Calendar link" title="Add to your calendar" onClose={props.onClose}>
      <p class="dialog__hint">
        Subscribe to this private link in Google Calendar, Apple Calendar or Outlook to see your events there.
        Anyone with the link can read your schedule: keep it to yourself.
      </p>
      {url && (
        <div class="calendar-link">
          <input
            readOnly
            value={url}
            aria-label="Your calendar link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            class="btn"
            onClick={() =>
              void navigator.clipboard?.writeText(url).then(() => setSaid({ text: 'Copied', error: false }))
            }
          >
            Copy
          </button>
        </div>
      )}
      {active && !url && (
        <p>Your calendar link is on. Make a new one to see it again (the old one stops working).</p>
      )}
      <div class="dialog__actions">
        {active && (
          <button
            type="button"
            class="btn btn--danger"
            onClick={() =>
              void run(async () => {
                await scheduleApi.stopFeed();
                setActive(false);
                setUrl(null);
                setSaid({ text: 'Your calendar link is turned off', error: false });
              })
            }
          >
            Turn off
          </button>
        )}
        <button
          type="button"
          class="btn btn--primary"
          onClick={() =>
            void run(async () => {
              const made = await scheduleApi.newFeed();
              setUrl(made.url);
              setActive(true);
              setSaid(null);
            })
          }
        >
          {active ? 'Make a new link' : 'Make my link'}
        </button>
      </div>
      <FormMessage message={said} />
    </Dialog>
  );
}
