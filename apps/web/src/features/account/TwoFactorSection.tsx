import type { User } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { accountApi } from './account-api.ts';
import { TwoFactorSetup } from './TwoFactorSetup.tsx';

/** The profile's two-factor part: its state, turning it on, and off (with the password). */
export function TwoFactorSection(props: { me: User; onChanged: () => void }) {
  const [mode, setMode] = useState<'idle' | 'setup' | 'disable'>('idle');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  if (mode === 'setup') {
    return (
      <section class="profile" aria-label="Two-factor sign-in">
        <h3>Two-factor sign-in</h3>
        <TwoFactorSetup
          onDone={() => {
            setMode('idle');
            props.onChanged();
          }}
          onCancel={() => setMode('idle')}
        />
      </section>
    );
  }
  return (
    <section class="profile" aria-label="Two-factor sign-in">
      <h3>Two-factor sign-in</h3>
      <p class="dialog__hint">
        {props.me.totpEnabled
          ? 'On: signing in asks for a code from your authenticator app.'
          : 'Off: a code from your phone would keep your account safe even if your password leaked.'}
      </p>
      {!props.me.totpEnabled && (
        <button type="button" class="btn" onClick={() => setMode('setup')}>
          Turn on two-factor sign-in
        </button>
      )}
      {props.me.totpEnabled && mode === 'idle' && (
        <button type="button" class="btn" onClick={() => setMode('disable')}>
          Turn off…
        </button>
      )}
      {props.me.totpEnabled && mode === 'disable' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            accountApi.totpDisable(password).then(
              () => {
                setMode('idle');
                setPassword('');
                props.onChanged();
              },
              (err: unknown) => setError(err instanceof ApiError ? err.message : 'That did not work'),
            );
          }}
        >
          <label>
            Your password
            <input
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="btn btn--danger">
            Turn off two-factor sign-in
          </button>
        </form>
      )}
    </section>
  );
}
