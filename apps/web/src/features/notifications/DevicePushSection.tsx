import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';
import { currentSubscription, disablePush, enablePush, pushSupported } from './device-push.ts';
import { pushApi } from './push-api.ts';

/** The profile's "notifications on this device": on/off (asks the permission on click) and a test. */
export function DevicePushSection() {
  const [on, setOn] = useState<boolean | null>(null);
  const [message, setMessage] = useState<Said | null>(null);
  const supported = pushSupported();
  useEffect(() => {
    void currentSubscription().then(
      (s) => setOn(s !== null),
      () => setOn(false),
    );
  }, []);
  const fail = (err: unknown) =>
    setMessage({
      text: err instanceof ApiError || err instanceof Error ? err.message : 'That did not work',
      error: true,
    });

  return (
    <section class="profile" aria-label="Notifications on this device">
      <h3>Notifications on this device</h3>
      {!supported ? (
        <p class="dialog__hint">This browser cannot receive notifications.</p>
      ) : (
        <div class="dialog__actions dialog__actions--start">
          {on ? (
            <>
              <button
                type="button"
                class="btn"
                onClick={() => void disablePush().then(() => setOn(false), fail)}
              >
                Turn off
              </button>
              <button
                type="button"
                class="btn"
                onClick={() =>
                  void pushApi
                    .test()
                    .then(() => setMessage({ text: 'A test is on its way.', error: false }), fail)
                }
              >
                Send me a test
              </button>
            </>
          ) : (
            <button
              type="button"
              class="btn btn--primary"
              disabled={on === null}
              onClick={() => {
                setMessage(null);
                void enablePush().then(() => setOn(true), fail);
              }}
            >
              Turn on notifications
            </button>
          )}
        </div>
      )}
      <FormMessage message={message} />
    </section>
  );
}
