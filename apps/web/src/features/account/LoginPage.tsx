import type { TenantSettings } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { useFormAction } from '../../ui/use-form-action.ts';
import type { ChatClient } from '../chat/chat-client.ts';
import { AuthField } from './AuthField.tsx';

/** Sign-in: email and password, then — for accounts with two-factor on — a code. */
export function LoginPage({
  client,
  notice,
  settings,
}: {
  client: ChatClient;
  notice?: string | null;
  settings?: TenantSettings | null;
}) {
  const appName = settings?.appName ?? 'RosterChirp';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const { submit, busy, error, fail } = useFormAction(async () => {
    const second = !askCode ? {} : useRecovery ? { recoveryCode: code.trim() } : { totp: code.trim() };
    try {
      await client.login(email.trim(), password, second);
    } catch (err) {
      if (err instanceof ApiError && err.error.code === 'TOTP_REQUIRED') {
        setAskCode(true);
        fail(null);
        return;
      }
      throw err;
    }
  }, 'Sign-in failed');

  return (
    <main class="login">
      <form class="login__card" onSubmit={submit}>
        <img
          class="login__logo"
          src={settings?.logoUrl ?? settings?.iconUrl ?? '/icon.svg'}
          alt=""
          width={56}
          height={56}
        />
        <h1>Sign in to {appName}</h1>
        {notice && (
          <p class="login__notice" role="status">
            {notice}
          </p>
        )}
        {!askCode ? (
          <>
            <p class="login__sub">Your team's conversations, in one place.</p>
            <AuthField
              label="Email"
              name="email"
              type="email"
              autocomplete="username"
              value={email}
              onInput={setEmail}
            />
            <AuthField
              label="Password"
              name="password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={setPassword}
            />
          </>
        ) : (
          <>
            <p class="login__sub">
              {useRecovery
                ? 'Enter one of the recovery codes you saved when you turned on two-factor sign-in.'
                : 'Enter the 6-digit code from your authenticator app.'}
            </p>
            <AuthField
              label={useRecovery ? 'Recovery code' : 'Authentication code'}
              name="code"
              type="text"
              autocomplete="one-time-code"
              value={code}
              onInput={setCode}
            />
            <button
              type="button"
              class="link-btn"
              onClick={() => {
                setUseRecovery(!useRecovery);
                setCode('');
              }}
            >
              {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
            </button>
          </>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : askCode ? 'Verify' : 'Sign in'}
        </button>
        {settings?.aboutHtml && (
          // Markdown the server rendered and sanitised (no scripts, styles or handlers).
          <div class="login__about markdown" dangerouslySetInnerHTML={{ __html: settings.aboutHtml }} />
        )}
      </form>
    </main>
  );
}
