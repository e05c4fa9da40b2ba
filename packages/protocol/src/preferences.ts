import { type Static, Type } from '@sinclair/typebox';

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'a time as HH:MM (24-hour)',
});

/**
 * No push notifications between `start` and `end` (wall-clock time in `timeZone`; the window may
 * span midnight). `allowMentions`: direct messages and @mentions still come through.
 */
export const QuietHours = Type.Object(
  {
    start: ClockTime,
    end: ClockTime,
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    allowMentions: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type QuietHours = Static<typeof QuietHours>;

/** In-app sounds: a master mute and volume, and which kinds of event make one. */
export const SoundPreferences = Type.Object(
  {
    muted: Type.Boolean(),
    volume: Type.Number({ minimum: 0, maximum: 1 }),
    message: Type.Boolean(),
    mention: Type.Boolean(),
    direct: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SoundPreferences = Static<typeof SoundPreferences>;

export const Theme = Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]);

export const Preferences = Type.Object({
  quietHours: Type.Union([QuietHours, Type.Null()]),
  sounds: SoundPreferences,
  theme: Theme,
});
export type Preferences = Static<typeof Preferences>;

export const PreferencesChange = Type.Object(
  {
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
    sounds: Type.Optional(Type.Partial(SoundPreferences, { additionalProperties: false })),
    theme: Type.Optional(Theme),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PreferencesChange = Static<typeof PreferencesChange>;
