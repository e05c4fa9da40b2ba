import type { TotpSetupReply } from '@rosterchirp/protocol/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { accountApi } from './account-api.ts';

/**
 * Turning on two-factor sign-in: scan the QR code (or type the key), confirm with a code, then
 * save the ten recovery codes shown once. `onDone` runs after the codes were acknowledged.
 */
export function TwoFactorSetup(props: { onDone: () => void; onCancel?: () => void }) {
  const [setup, setSetup] = useState<TotpSetupReply | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failed = (err: unknown) => setError(err instanceof ApiError ? err.message : 'That did not work');
  const top = useRef<HTMLDivElement>(null);

  useEffect(() => {
    accountApi.totpSetup().then(setSetup, failed);
  }, []);
  // In a tall dialog (a phone), bring the QR code and then the recovery codes into view.
  useEffect(() => top.current?.scrollIntoView({ block: 'start' }), [setup, codes]);

  if (codes) {
    return (
      <div class="twofactor" ref={top}>
        <p>
          <strong>Two-factor sign-in is on.</strong> Save these recovery codes somewhere safe: each signs you
          in once if you lose your phone. They are not shown again.
        </p>
        <ol class="recovery-codes" aria-label="Recovery codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button type="button" class="btn btn--primary" onClick={props.onDone}>
          I saved them
        </button>
      </div>
    );
  }
  return (
    <div ref={top}>
      <form
        class="twofactor"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          accountApi.totpEnable(code.trim()).then(({ recoveryCodes }) => setCodes(recoveryCodes), failed);
        }}
      >
        {!setup ? (
          <p class="dialog__hint">{error ?? 'Preparing…'}</p>
        ) : (
          <>
            <p>Scan this with an authenticator app (Google Authenticator, 1Password, Aegis…):</p>
            <img
              class="twofactor__qr"
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
              alt="QR code for your authenticator app"
              width={176}
              height={176}
            />
            <p class="dialog__hint">
              Or type this key: <code class="twofactor__key">{setup.secret}</code>
            </p>
            <label>
              Code from the app
              <input
                name="code"
                inputMode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                required
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </label>
            {error && (
              <p class="form-error" role="alert">
                {error}
              </p>
            )}
            <div class="dialog__actions">
              {props.onCancel && (
                <button type="button" class="btn" onClick={props.onCancel}>
                  Cancel
                </button>
              )}
              <button type="submit" class="btn btn--primary">
                Turn on
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}
