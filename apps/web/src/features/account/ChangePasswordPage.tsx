import { useState } from 'preact/hooks';
import { useFormAction } from '../../ui/use-form-action.ts';
import type { ChatClient } from '../chat/chat-client.ts';
import { AuthField } from './AuthField.tsx';

/** Shown instead of the app while the password is one someone else chose (generated or reset). */
export function ChangePasswordPage({ client, name }: { client: ChatClient; name: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const action = useFormAction(
    () => client.changeInitialPassword(current, next),
    'The password could not be changed',
  );
  const { busy, error } = action;
  const submit = (e: Event) => {
    e.preventDefault();
    if (next !== again) return action.fail('The two new passwords are not the same');
    if (next.length < 8) return action.fail('Use at least 8 characters');
    void action.submit(e);
  };

  return (
    <main class="login">
      <form class="login__card" onSubmit={submit}>
        <img class="login__logo" src="/icon.svg" alt="" width={56} height={56} />
        <h1>Choose your password</h1>
        <p class="login__sub">Welcome, {name}. The password you were given works once: pick your own.</p>
        <AuthField
          label="Password you were given"
          name="current-password"
          type="password"
          autocomplete="current-password"
          value={current}
          onInput={setCurrent}
        />
        <AuthField
          label="New password"
          name="new-password"
          type="password"
          autocomplete="new-password"
          minLength={8}
          value={next}
          onInput={setNext}
        />
        <AuthField
          label="New password again"
          name="new-password-again"
          type="password"
          autocomplete="new-password"
          minLength={8}
          value={again}
          onInput={setAgain}
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save and continue'}
        </button>
        <button class="link-btn" type="button" onClick={() => void client.logout()}>
          Sign out
        </button>
      </form>
    </main>
  );
}
