import type {
  ApiErrorShape,
  AuthReply,
  CreateGroupBody,
  Group,
  HistoryReply,
  Member,
  Message,
  User,
} from '@rosterchirp/protocol';

/** A failed API call, carrying the error of api.md. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorShape,
  ) {
    super(error.message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
  login: (email: string, password: string) => call<AuthReply>('POST', '/api/auth/login', { email, password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  me: () => call<{ user: User }>('GET', '/api/auth/me'),
  users: () => call<{ users: User[] }>('GET', '/api/users'),
  groups: () => call<{ groups: Group[] }>('GET', '/api/groups'),
  group: (id: number) => call<{ group: Group; members: Member[] }>('GET', `/api/groups/${id}`),
  createGroup: (body: CreateGroupBody) => call<{ group: Group }>('POST', '/api/groups', body),
  history: (groupId: number, cursor: { before?: number; after?: number; limit?: number } = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(cursor)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return call<HistoryReply>('GET', `/api/groups/${groupId}/messages${qs ? `?${qs}` : ''}`);
  },
  send: (groupId: number, clientId: string, content: string) =>
    call<{ message: Message }>('POST', `/api/groups/${groupId}/messages`, { clientId, content }),
  markRead: (groupId: number, messageId: number) =>
    call<void>('POST', `/api/groups/${groupId}/read`, { messageId }),
};
