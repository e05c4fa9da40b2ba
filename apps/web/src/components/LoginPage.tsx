import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import type { ChatClient } from '../chat-client.ts';

export function LoginPage({ client }: { client: ChatClient }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.login(email.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sign-in failed');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login__card" onSubmit={submit}>
        <img class="login__logo" src="/icon.svg" alt="" width={56} height={56} />
        <h1>Sign in to RosterChirp</h1>
        <p class="login__sub">Your team's conversations, in one place.</p>
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            autocapitalize="off"
            spellcheck={false}
            inputMode="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
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
        <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
