import { inQuietHours, type Preferences, withDefaultPreferences } from '@rosterchirp/protocol';
import type { MessageForPush, PushCandidate } from '@rosterchirp/store';

/**
 * Whether a member's devices hear about a message (before "are they looking at it now"):
 * their level for the conversation (all; mentions: only when named or @here/@channel; none:
 * never), then their quiet hours — which a mention or a direct message may pass when they chose.
 */
export function wantsNotification(
  candidate: Pick<PushCandidate, 'level' | 'mentioned' | 'preferences'>,
  message: Pick<MessageForPush, 'groupType'>,
  now: Date,
): boolean {
  if (candidate.level === 'none') return false;
  if (candidate.level === 'mentions' && !candidate.mentioned) return false;
  const { quietHours } = withDefaultPreferences(candidate.preferences as Partial<Preferences>);
  if (quietHours && inQuietHours(quietHours, now)) {
    const personal = candidate.mentioned || message.groupType === 'direct';
    return personal && quietHours.allowMentions === true;
  }
  return true;
}
