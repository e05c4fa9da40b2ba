import type {
  AuthReply,
  FeaturesReply,
  MeReply,
  PatchMeReply,
  PreferencesChange,
  SessionsReply,
  TotpEnableReply,
  TotpSetupReply,
} from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** Sign-in, the session and the person's own account: profile, password, devices, two-factor. */
export const accountApi = {
  /** `second`: the two-factor code (or a recovery code) when the account asks for one. */
  login: (email: string, password: string, second: { totp?: string; recoveryCode?: string } = {}) =>
    call<AuthReply>('POST', '/api/auth/login', { email, password, ...second }),
  totpSetup: () => call<TotpSetupReply>('POST', '/api/auth/totp/setup'),
  totpEnable: (code: string) => call<TotpEnableReply>('POST', '/api/auth/totp/enable', { code }),
  totpDisable: (password: string) => call<void>('POST', '/api/auth/totp/disable', { password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  updateMe: (body: {
    displayName?: string | null;
    aboutMe?: string | null;
    phone?: string | null;
    avatarKey?: string | null;
    preferences?: PreferencesChange;
  }) => call<PatchMeReply>('PATCH', '/api/me', body),
  changePassword: (currentPassword: string, newPassword: string) =>
    call<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
  sessions: () => call<SessionsReply>('GET', '/api/auth/sessions'),
  endSession: (id: string) => call<void>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`),
  me: () => call<MeReply>('GET', '/api/auth/me'),
  features: () => call<FeaturesReply>('GET', '/api/features'),
};
