import type { PatchSettingsBody, SettingsReply } from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** The workspace's settings: read by everyone (the sign-in page too), changed by admins. */
export const settingsApi = {
  settings: () => call<SettingsReply>('GET', '/api/settings'),
  update: (body: PatchSettingsBody) => call<SettingsReply>('PATCH', '/api/settings', body),
};
