import type { Preferences, QuietHours, SoundPreferences } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';
import { accountApi } from '../account/account-api.ts';
import { playChime } from './sounds.ts';

const deviceTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const timeZones = (): string[] => {
  const all = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone');
  return all?.length ? all : [deviceTimeZone()];
};

/** The profile's quiet hours (with their time zone) and in-app sounds, saved to the account. */
export function NotificationPreferences(props: {
  preferences: Preferences;
  onSaved: (preferences: Preferences) => void;
}) {
  const [quiet, setQuiet] = useState<QuietHours>(
    props.preferences.quietHours ?? {
      start: '22:00',
      end: '07:00',
      timeZone: deviceTimeZone(),
      allowMentions: true,
    },
  );
  const [quietOn, setQuietOn] = useState(props.preferences.quietHours !== null);
  const [sounds, setSounds] = useState<SoundPreferences>(props.preferences.sounds);
  const [message, setMessage] = useState<Said | null>(null);
  const zones = quietOn ? timeZones() : [];
  const kinds: Array<[keyof SoundPreferences & ('message' | 'mention' | 'direct'), string]> = [
    ['message', 'New messages'],
    ['mention', 'Mentions of me'],
    ['direct', 'Direct messages'],
  ];

  return (
    <form
      class="profile"
      aria-label="Quiet hours and sounds"
      onSubmit={(e) => {
        e.preventDefault();
        setMessage(null);
        accountApi
          .updateMe({ preferences: { quietHours: quietOn ? quiet : null, sounds } })
          .then(({ preferences }) => {
            props.onSaved(preferences);
            setMessage({ text: 'Saved.', error: false });
          })
          .catch((err: unknown) =>
            setMessage({ text: err instanceof ApiError ? err.message : 'That did not work', error: true }),
          );
      }}
    >
      <h3>Quiet hours and sounds</h3>
      <label class="toggle-row">
        <input type="checkbox" checked={quietOn} onChange={(e) => setQuietOn(e.currentTarget.checked)} />
        No notifications during quiet hours
      </label>
      {quietOn && (
        <div class="quiet-hours">
          <label>
            From
            <input
              type="time"
              required
              value={quiet.start}
              onInput={(e) => setQuiet({ ...quiet, start: e.currentTarget.value })}
            />
          </label>
          <label>
            To
            <input
              type="time"
              required
              value={quiet.end}
              onInput={(e) => setQuiet({ ...quiet, end: e.currentTarget.value })}
            />
          </label>
          <label>
            Time zone
            <select
              value={quiet.timeZone}
              onChange={(e) => setQuiet({ ...quiet, timeZone: e.currentTarget.value })}
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </label>
          <label class="toggle-row">
            <input
              type="checkbox"
              checked={quiet.allowMentions === true}
              onChange={(e) => setQuiet({ ...quiet, allowMentions: e.currentTarget.checked })}
            />
            Direct messages and mentions of me still notify
          </label>
        </div>
      )}
      <label class="toggle-row">
        <input
          type="checkbox"
          checked={sounds.muted}
          onChange={(e) => setSounds({ ...sounds, muted: e.currentTarget.checked })}
        />
        Mute all sounds
      </label>
      <label>
        Volume
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          disabled={sounds.muted}
          value={Math.round(sounds.volume * 100)}
          onInput={(e) => setSounds({ ...sounds, volume: Number(e.currentTarget.value) / 100 })}
        />
      </label>
      {kinds.map(([kind, label]) => (
        <div key={kind} class="sound-row">
          <label class="toggle-row">
            <input
              type="checkbox"
              disabled={sounds.muted}
              checked={sounds[kind]}
              onChange={(e) => setSounds({ ...sounds, [kind]: e.currentTarget.checked })}
            />
            {label}
          </label>
          <button
            type="button"
            class="btn btn--small"
            disabled={sounds.muted}
            aria-label={`Play the ${label.toLowerCase()} sound`}
            onClick={() => playChime(kind, sounds.volume)}
          >
            Play
          </button>
        </div>
      ))}
      <button class="btn btn--primary" type="submit">
        Save notification settings
      </button>
      <FormMessage message={message} />
    </form>
  );
}
