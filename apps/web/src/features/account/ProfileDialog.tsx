import type { Preferences, User } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { uploadImage } from '../../lib/upload-api.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';
import { chooseDensity, chooseTheme, density, themeChoice } from '../../ui/theme.ts';
import { DevicePushSection } from '../notifications/DevicePushSection.tsx';
import { NotificationPreferences } from '../notifications/NotificationPreferences.tsx';
import { accountApi } from './account-api.ts';
import { TwoFactorSection } from './TwoFactorSection.tsx';

/** Your profile: how others see you (display name, about, phone) and your password. */
export function ProfileDialog(props: {
  me: User;
  onSaved: (user: User) => void;
  preferences: Preferences | null;
  onPreferences: (preferences: Preferences) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState({
    displayName: props.me.displayName ?? '',
    aboutMe: props.me.aboutMe ?? '',
    phone: props.me.phone ?? '',
  });
  const [pw, setPw] = useState({ current: '', next: '' });
  const [message, setMessage] = useState<Said | null>(null);

  const [busyAvatar, setBusyAvatar] = useState(false);
  const [theme, setTheme] = useState(themeChoice);
  const [compact, setCompact] = useState(() => density() === 'compact');
  const say = (text: string, error = false) => setMessage({ text, error });
  const failed = (err: unknown) => say(err instanceof ApiError ? err.message : 'That did not work', true);

  /** Any picture: the server crops it square around its subject and makes the sizes. */
  async function changeAvatar(file: File) {
    setBusyAvatar(true);
    try {
      const key = await uploadImage(file, 'avatar');
      props.onSaved((await accountApi.updateMe({ avatarKey: key })).user);
      say('Picture updated');
    } catch (err) {
      failed(err);
    } finally {
      setBusyAvatar(false);
    }
  }

  return (
    <Dialog label="Profile" title="Your profile" onClose={props.onClose}>
      <form
        class="profile"
        onSubmit={(e) => {
          e.preventDefault();
          accountApi
            .updateMe(form)
            .then(({ user }) => {
              props.onSaved(user);
              say('Saved');
            })
            .catch(failed);
        }}
      >
        <div class="profile__avatar">
          <Avatar name={props.me.displayName ?? props.me.name} url={props.me.avatarUrl} size={72} />
          <div>
            <p class="dialog__hint">
              {props.me.name} · @{props.me.handle} · {props.me.email}
            </p>
            <label class="btn btn--small">
              {busyAvatar ? 'Uploading…' : 'Change picture'}
              <input
                type="file"
                accept="image/png,image/jpeg,image/webp,image/gif"
                class="visually-hidden"
                disabled={busyAvatar}
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = '';
                  if (file) void changeAvatar(file);
                }}
              />
            </label>
            {props.me.avatarUrl && (
              <button
                type="button"
                class="link-btn"
                onClick={() =>
                  accountApi.updateMe({ avatarKey: null }).then(({ user }) => props.onSaved(user), failed)
                }
              >
                Remove picture
              </button>
            )}
          </div>
        </div>
        <label>
          Display name
          <input
            value={form.displayName}
            maxLength={100}
            onInput={(e) => setForm({ ...form, displayName: e.currentTarget.value })}
          />
        </label>
        <label>
          About me
          <textarea
            value={form.aboutMe}
            maxLength={500}
            rows={3}
            onInput={(e) => setForm({ ...form, aboutMe: e.currentTarget.value })}
          />
        </label>
        <label>
          Phone
          <input
            type="tel"
            autocomplete="tel"
            value={form.phone}
            maxLength={40}
            onInput={(e) => setForm({ ...form, phone: e.currentTarget.value })}
          />
        </label>
        <button class="btn btn--primary" type="submit">
          Save profile
        </button>
      </form>
      <form
        class="profile"
        onSubmit={(e) => {
          e.preventDefault();
          accountApi
            .changePassword(pw.current, pw.next)
            .then(() => {
              setPw({ current: '', next: '' });
              say('Password changed. Your other devices were signed out.');
            })
            .catch(failed);
        }}
      >
        <label>
          Current password
          <input
            type="password"
            autocomplete="current-password"
            required
            value={pw.current}
            onInput={(e) => setPw({ ...pw, current: e.currentTarget.value })}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autocomplete="new-password"
            minLength={8}
            required
            value={pw.next}
            onInput={(e) => setPw({ ...pw, next: e.currentTarget.value })}
          />
        </label>
        <button class="btn" type="submit">
          Change password
        </button>
      </form>
      <fieldset class="profile profile__theme">
        <legend>Appearance</legend>
        {(['system', 'light', 'dark'] as const).map((t) => (
          <label key={t} class="toggle-row">
            <input
              type="radio"
              name="theme"
              checked={theme === t}
              onChange={() => {
                chooseTheme(t);
                setTheme(t);
              }}
            />
            {t === 'system' ? 'Like this device' : t === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
        <label class="toggle-row">
          <input
            type="checkbox"
            checked={compact}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              chooseDensity(on ? 'compact' : 'comfortable');
              setCompact(on);
            }}
          />
          Compact message rows
        </label>
      </fieldset>
      <DevicePushSection />
      {props.preferences && (
        <NotificationPreferences preferences={props.preferences} onSaved={props.onPreferences} />
      )}
      <TwoFactorSection
        me={props.me}
        onChanged={() => void accountApi.me().then(({ user }) => props.onSaved(user), failed)}
      />
      <FormMessage message={message} />
    </Dialog>
  );
}
