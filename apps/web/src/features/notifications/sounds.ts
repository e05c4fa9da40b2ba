import {
  type Group,
  inQuietHours,
  type Message,
  type Preferences,
  type User,
} from '@rosterchirp/protocol/client';

export type SoundKind = 'message' | 'mention' | 'direct';

let context: AudioContext | undefined;

/** A short two-note chime made on the spot (no sound file to download); higher for mentions. */
export function playChime(kind: SoundKind, volume: number): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume();
    const notes = kind === 'mention' ? [880, 1320] : kind === 'direct' ? [660, 990] : [587, 784];
    notes.forEach((frequency, i) => {
      const start = ctx.currentTime + i * 0.12;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.25 * volume, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.26);
    });
  } catch {
    // No audio here (or not yet allowed): sounds are a nicety.
  }
}

/** Which sound a message makes for this person, if any (the same rules as notifications). */
export function soundFor(
  message: Message,
  group: Pick<Group, 'type' | 'notify'> | undefined,
  me: User,
  preferences: Preferences,
  looking: boolean,
): SoundKind | null {
  if (message.author?.id === me.id || message.kind === 'system' || looking) return null;
  const { sounds, quietHours } = preferences;
  if (sounds.muted || sounds.volume === 0) return null;
  if (quietHours && inQuietHours(quietHours, new Date())) return null;
  const mentioned = message.mentions.some((h) => h === me.handle || h === 'here' || h === 'channel');
  const level = group?.notify ?? (group?.type === 'public' ? 'mentions' : 'all');
  if (level === 'none' || (level === 'mentions' && !mentioned)) return null;
  const kind: SoundKind = group?.type === 'direct' ? 'direct' : mentioned ? 'mention' : 'message';
  return sounds[kind] ? kind : null;
}
