import type { ChatClient } from '../chat/chat-client.ts';
import { TwoFactorSetup } from './TwoFactorSetup.tsx';

/** An admin whose organisation requires two-factor sign-in turns it on before anything else. */
export function EnrolTwoFactorPage(props: { client: ChatClient; name: string }) {
  return (
    <main class="login">
      <div class="login__card">
        <img class="login__logo" src="/icon.svg" alt="" width={56} height={56} />
        <h1>Turn on two-factor sign-in</h1>
        <p class="login__sub">
          {props.name}, your organisation requires admins to sign in with a code from their phone.
        </p>
        <TwoFactorSetup onDone={() => void props.client.enrolled()} />
        <button type="button" class="link-btn" onClick={() => void props.client.logout()}>
          Sign out
        </button>
      </div>
    </main>
  );
}
