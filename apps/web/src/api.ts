import type {
  ApiErrorShape,
  AuthReply,
  ChangesReply,
  CreateGroupBody,
  CreateUploadReply,
  DmRule,
  FeaturesReply,
  Group,
  HistoryReply,
  ImportUsersReply,
  Member,
  Message,
  SearchReply,
  SessionsReply,
  SettingsReply,
  TenantAuditReply,
  TotpEnableReply,
  TotpSetupReply,
  User,
  UserGroup,
  UsersReply,
} from '@rosterchirp/protocol/client';

/** A failed API call, carrying the error of docs/API.md. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorShape,
  ) {
    super(error.message);
  }
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? extraHeaders : { ...extraHeaders, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      code: 'UNAVAILABLE',
      message: 'Cannot reach the server. Check your connection.',
    });
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
  if (!res.ok) {
    throw new ApiError(
      res.status,
      data?.error ?? { code: 'INTERNAL', message: `Request failed (${res.status})` },
    );
  }
  return data as T;
}

export const api = {
  /** `second`: the two-factor code (or a recovery code) when the account asks for one. */
  login: (email: string, password: string, second: { totp?: string; recoveryCode?: string } = {}) =>
    call<AuthReply>('POST', '/api/auth/login', { email, password, ...second }),
  totpSetup: () => call<TotpSetupReply>('POST', '/api/auth/totp/setup'),
  totpEnable: (code: string) => call<TotpEnableReply>('POST', '/api/auth/totp/enable', { code }),
  totpDisable: (password: string) => call<void>('POST', '/api/auth/totp/disable', { password }),
  audit: (query: { before?: number; action?: string; actorId?: number }) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    return call<TenantAuditReply>('GET', `/api/audit?${q}`);
  },
  settings: () => call<SettingsReply>('GET', '/api/settings'),
  updateSettings: (body: { registrationOpen?: boolean; requireTotpForAdmins?: boolean }) =>
    call<SettingsReply>('PATCH', '/api/settings', body),
  logout: () => call<void>('POST', '/api/auth/logout'),
  updateMe: (body: {
    displayName?: string | null;
    aboutMe?: string | null;
    phone?: string | null;
    avatarKey?: string | null;
  }) => call<{ user: User }>('PATCH', '/api/me', body),
  changePassword: (currentPassword: string, newPassword: string) =>
    call<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
  sessions: () => call<SessionsReply>('GET', '/api/auth/sessions'),
  endSession: (id: string) => call<void>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`),
  me: () => call<{ user: User }>('GET', '/api/auth/me'),
  features: () => call<FeaturesReply>('GET', '/api/features'),
  /** One page of the directory (search by name, handle or email). */
  usersPage: (q: string, cursor: string | null, limit = 50) => {
    const params = new URLSearchParams({ limit: String(limit) });
    if (q) params.set('q', q);
    if (cursor) params.set('cursor', cursor);
    return call<UsersReply>('GET', `/api/users?${params}`);
  },
  /** The whole directory (mentions and new chats pick from it), page by page. */
  async users(): Promise<{ users: User[] }> {
    const users: User[] = [];
    let cursor: string | null = null;
    do {
      const page: UsersReply = await api.usersPage('', cursor, 200);
      users.push(...page.users);
      cursor = page.nextCursor;
    } while (cursor);
    return { users };
  },
  createUser: (body: { name: string; email: string; role: User['role'] }) =>
    call<{ user: User; password?: string }>('POST', '/api/users', body),
  updateUser: (id: number, body: { name?: string; displayName?: string | null; role?: User['role'] }) =>
    call<{ user: User }>('PATCH', `/api/users/${id}`, body),
  resetPassword: (id: number) => call<{ password: string }>('POST', `/api/users/${id}/reset-password`),
  suspendUser: (id: number, suspend: boolean) =>
    call<{ user: User }>('POST', `/api/users/${id}/${suspend ? 'suspend' : 'unsuspend'}`),
  deleteUser: (id: number) => call<void>('DELETE', `/api/users/${id}`),
  importUsers: (csv: string, dryRun: boolean) =>
    call<ImportUsersReply>('POST', '/api/users/import', { csv, dryRun }),
  groups: () => call<{ groups: Group[] }>('GET', '/api/groups'),
  group: (id: number) => call<{ group: Group; members: Member[] }>('GET', `/api/groups/${id}`),
  createGroup: (body: CreateGroupBody) => call<{ group: Group }>('POST', '/api/groups', body),
  history: (groupId: number, cursor: { before?: number; after?: number; limit?: number } = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(cursor)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return call<HistoryReply>('GET', `/api/groups/${groupId}/messages${qs ? `?${qs}` : ''}`);
  },
  /** Recovery: every message of the conversation changed after `since` (docs/API.md "Recovery of changes"). */
  changes: (groupId: number, since: number) =>
    call<ChangesReply>('GET', `/api/groups/${groupId}/changes?since=${since}&limit=500`),
  send: (
    groupId: number,
    body: { clientId: string; content?: string; imageKey?: string; replyTo?: number },
  ) => call<{ message: Message }>('POST', `/api/groups/${groupId}/messages`, body),
  edit: (id: number, content: string) =>
    call<{ message: Message }>('PATCH', `/api/messages/${id}`, { content }),
  remove: (id: number) => call<void>('DELETE', `/api/messages/${id}`),
  react: (id: number, emoji: string) =>
    call<{ reactions: Message['reactions'] }>('POST', `/api/messages/${id}/reactions`, { emoji }),
  pin: (id: number, pinned: boolean) => call<void>(pinned ? 'POST' : 'DELETE', `/api/messages/${id}/pin`),
  pins: (groupId: number) => call<{ messages: Message[] }>('GET', `/api/groups/${groupId}/pins`),
  userGroups: () => call<{ userGroups: UserGroup[] }>('GET', '/api/usergroups'),
  saveUserGroup: (id: number | null, body: { name: string; memberIds: number[] }) =>
    id === null
      ? call<{ userGroup: UserGroup }>('POST', '/api/usergroups', body)
      : call<{ userGroup: UserGroup }>('PATCH', `/api/usergroups/${id}`, body),
  deleteUserGroup: (id: number) => call<void>('DELETE', `/api/usergroups/${id}`),
  dmRules: () => call<{ rules: DmRule[] }>('GET', '/api/usergroups/restrictions'),
  saveDmRules: (rules: DmRule[]) =>
    call<{ rules: DmRule[] }>('PUT', '/api/usergroups/restrictions', { rules }),
  search: (q: string, before?: number) =>
    call<SearchReply>('GET', `/api/search?q=${encodeURIComponent(q)}${before ? `&before=${before}` : ''}`),
  /** Issues an upload, PUTs the bytes where the server says (storage or the API), returns the key. */
  async uploadImage(file: File, kind: 'image' | 'avatar' = 'image'): Promise<string> {
    const issued = await call<CreateUploadReply>('POST', '/api/uploads', {
      kind,
      contentType: file.type,
      size: file.size,
    });
    const sameOrigin = issued.uploadUrl.startsWith('/');
    let res: Response;
    try {
      res = await fetch(issued.uploadUrl, {
        method: issued.method,
        headers: issued.headers,
        body: file,
        credentials: sameOrigin ? 'same-origin' : 'omit',
      });
    } catch {
      throw new ApiError(0, { code: 'UNAVAILABLE', message: 'The upload failed. Check your connection.' });
    }
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
      throw new ApiError(
        res.status,
        data?.error ?? { code: 'INTERNAL', message: `Upload failed (${res.status})` },
      );
    }
    return issued.key;
  },
  readAll: () => call<void>('POST', '/api/groups/read-all'),
  markRead: (groupId: number, messageId: number) =>
    call<void>('POST', `/api/groups/${groupId}/read`, { messageId }),
};
