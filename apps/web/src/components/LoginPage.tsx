import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.ts';
import { useFormAction } from '../use-form-action.ts';
import { AuthField } from './AuthField.tsx';

export function LoginPage({ client }: { client: ChatClient }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, busy, error } = useFormAction(() => client.login(email.trim(), password), 'Sign-in failed');

  return (
    <main class="login">
      <form class="login__card" onSubmit={submit}>
        <img class="login__logo" src="/icon.svg" alt="" width={56} height={56} />
        <h1>Sign in to RosterChirp</h1>
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
