import type { UserGroup } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { type Store, useStore } from '../../store.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { useConfirm } from '../../ui/confirm.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { DmRulesEditor } from './DmRulesEditor.tsx';
import { peopleApi } from './people-api.ts';

/** Admins and managers keep user groups here; each one's "Group Messages" chat follows it. */
export function UserGroupsDialog({ store, onClose }: { store: Store; onClose: () => void }) {
  const state = useStore(store);
  const confirm = useConfirm();
  const [groups, setGroups] = useState<UserGroup[] | null>(null);
  const [editing, setEditing] = useState<{ id: number | null; name: string; memberIds: number[] } | null>(
    null,
  );
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);

  const reload = () =>
    peopleApi.userGroups().then(
      (r) => setGroups(r.userGroups),
      (err: unknown) => setError(err instanceof ApiError ? err.message : 'Could not load user groups'),
    );
  useEffect(() => {
    void reload();
  }, []);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      setEditing(null);
      await reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong');
    }
  }

  const people = state.users
    .filter((u) => u.status === 'active')
    .filter((u) => `${u.name} ${u.handle}`.toLowerCase().includes(query.toLowerCase()));

  return (
    <>
      <Dialog
        label="User groups"
        title={editing ? (editing.id === null ? 'New user group' : 'Edit user group') : 'User groups'}
        onClose={onClose}
      >
        {!editing && (
          <>
            <p class="dialog__hint">
              Each user group has a chat under “Group Messages” whose members follow the group.
            </p>
            <ul class="people">
              {groups?.map((g) => (
                <li key={g.id} class="ug-row">
                  <span class="person__name">
                    {g.name}
                    <small>
                      {g.memberIds.length} member{g.memberIds.length === 1 ? '' : 's'}
                    </small>
                  </span>
                  <button
                    type="button"
                    class="link-btn"
                    onClick={() => setEditing({ id: g.id, name: g.name, memberIds: g.memberIds })}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="link-btn link-btn--danger"
                    onClick={() =>
                      confirm.ask(
                        `Delete “${g.name}”? Its chat stays as a private group.`,
                        'Delete',
                        () => void run(() => peopleApi.deleteUserGroup(g.id)),
                      )
                    }
                  >
                    Delete
                  </button>
                </li>
              ))}
              {groups?.length === 0 && <li class="people__empty">No user groups yet.</li>}
            </ul>
            {groups && state.me?.role === 'admin' && <DmRulesEditor groups={groups} />}
            <button
              type="button"
              class="btn btn--primary btn--block"
              onClick={() => setEditing({ id: null, name: '', memberIds: [] })}
              disabled={!groups}
            >
              New user group
            </button>
          </>
        )}
        {editing && (
          <>
            <input
              class="input"
              placeholder="Name, e.g. Coaches"
              aria-label="User group name"
              value={editing.name}
              maxLength={100}
              onInput={(e) => setEditing({ ...editing, name: e.currentTarget.value })}
            />
            <input
              class="input"
              type="search"
              placeholder="Search people"
              value={query}
              autocomplete="off"
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <ul class="people">
              {people.map((u) => {
                const on = editing.memberIds.includes(u.id);
                return (
                  <li key={u.id}>
                    <button
                      type="button"
                      class={`person${on ? ' person--on' : ''}`}
                      aria-pressed={on}
                      onClick={() =>
                        setEditing({
                          ...editing,
                          memberIds: on
                            ? editing.memberIds.filter((x) => x !== u.id)
                            : [...editing.memberIds, u.id],
                        })
                      }
                    >
                      <Avatar name={u.name} url={u.avatarUrl} size={32} />
                      <span class="person__name">
                        {u.displayName ?? u.name}
                        <small>@{u.handle}</small>
                      </span>
                      <span class="check">{on ? '✓' : ''}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
            <div class="dialog__actions">
              <button type="button" class="btn" onClick={() => setEditing(null)}>
                Back
              </button>
              <button
                type="button"
                class="btn btn--primary"
                disabled={!editing.name.trim()}
                onClick={() =>
                  void run(() =>
                    peopleApi.saveUserGroup(editing.id, {
                      name: editing.name.trim(),
                      memberIds: editing.memberIds,
                    }),
                  )
                }
              >
                Save ({editing.memberIds.length})
              </button>
            </div>
          </>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </Dialog>
      {confirm.dialog}
    </>
  );
}
