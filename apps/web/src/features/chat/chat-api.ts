import type {
  ChangesReply,
  CreateGroupBody,
  Group,
  HistoryReply,
  Member,
  Message,
  NotifyLevel,
  SearchReply,
} from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** Conversations and messages. */
export const chatApi = {
  groups: () => call<{ groups: Group[] }>('GET', '/api/groups'),
  group: (id: number) => call<{ group: Group; members: Member[] }>('GET', `/api/groups/${id}`),
  setNotifications: (id: number, level: NotifyLevel) =>
    call<void>('PUT', `/api/groups/${id}/notifications`, { level }),
  setChannelJoined: (id: number, joined: boolean) =>
    call<{ group: Group }>('POST', `/api/groups/${id}/${joined ? 'join' : 'leave'}`),
  renameGroup: (id: number, name: string) => call<{ group: Group }>('PATCH', `/api/groups/${id}`, { name }),
  setGroupPicture: (id: number, avatarKey: string | null) =>
    call<{ group: Group }>('PATCH', `/api/groups/${id}`, { avatarKey }),
  addMembers: (id: number, userIds: number[]) =>
    call<{ members: Member[] }>('POST', `/api/groups/${id}/members`, { userIds }),
  removeMember: (id: number, userId: number) => call<void>('DELETE', `/api/groups/${id}/members/${userId}`),
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
  search: (q: string, before?: number) =>
    call<SearchReply>('GET', `/api/search?q=${encodeURIComponent(q)}${before ? `&before=${before}` : ''}`),
  readAll: () => call<void>('POST', '/api/groups/read-all'),
  markRead: (groupId: number, messageId: number) =>
    call<void>('POST', `/api/groups/${groupId}/read`, { messageId }),
};
