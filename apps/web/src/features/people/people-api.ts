import type { DmRule, ImportUsersReply, User, UserGroup } from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** What admins do to people: create, change, reset, suspend, delete, import; user groups and DM rules. */
export const peopleApi = {
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
  userGroups: () => call<{ userGroups: UserGroup[] }>('GET', '/api/usergroups'),
  saveUserGroup: (id: number | null, body: { name: string; memberIds: number[] }) =>
    id === null
      ? call<{ userGroup: UserGroup }>('POST', '/api/usergroups', body)
      : call<{ userGroup: UserGroup }>('PATCH', `/api/usergroups/${id}`, body),
  deleteUserGroup: (id: number) => call<void>('DELETE', `/api/usergroups/${id}`),
  dmRules: () => call<{ rules: DmRule[] }>('GET', '/api/usergroups/restrictions'),
  saveDmRules: (rules: DmRule[]) =>
    call<{ rules: DmRule[] }>('PUT', '/api/usergroups/restrictions', { rules }),
};
