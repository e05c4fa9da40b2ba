import type { User } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { directoryApi } from '../../lib/directory-api.ts';
import { ApiError } from '../../lib/http.ts';
import { useConfirm } from '../../ui/confirm.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import type { ChatClient } from '../chat/chat-client.ts';
import { ImportPeople } from './ImportPeople.tsx';
import { peopleApi } from './people-api.ts';

const ROLES: Array<User['role']> = ['member', 'manager', 'admin'];

function lastSeen(user: User): string {
  if (!user.lastOnline) return 'never';
  return new Date(user.lastOnline).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The user manager: search and page through everyone; admins add people (the generated password
 * is shown once), change roles, reset passwords, suspend and delete. Managers may look.
 */
export function PeopleDialog(props: { me: User; client: ChatClient; onClose: () => void }) {
  const confirm = useConfirm();
  const admin = props.me.role === 'admin';
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; secret?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState({ name: '', email: '', role: 'member' as User['role'] });

  async function load(query: string, from: string | null) {
    try {
      const page = await directoryApi.usersPage(query, from);
      setPeople((list) => (from ? [...list, ...page.users] : page.users));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  useEffect(() => {
    const timer = setTimeout(() => void load(q, null), 200);
    return () => clearTimeout(timer);
  }, [q]);

  const replace = (user: User) => setPeople((list) => list.map((p) => (p.id === user.id ? user : p)));
  const act = async (what: () => Promise<void>) => {
    try {
      setError(null);
      await what();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'That did not work');
    }
  };

  return (
    <>
      <Dialog label="People" title="People" onClose={props.onClose}>
        <input
          class="dialog__search"
          type="search"
          placeholder="Search by name, handle or email"
          aria-label="Search people"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {notice && (
          <p class="people__notice" role="status">
            {notice.text} {notice.secret && <code class="people__secret">{notice.secret}</code>}
          </p>
        )}
        {admin && (
          <form
            class="people__add"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                const { user, password } = await peopleApi.createUser(adding);
                setAdding({ name: '', email: '', role: 'member' });
                setPeople((list) => [user, ...list]);
                setNotice({
                  text: `${user.name} can sign in with this password, shown once:`,
                  ...(password ? { secret: password } : {}),
                });
              });
            }}
          >
            <input
              aria-label="Name"
              placeholder="Name"
              required
              value={adding.name}
              onInput={(e) => setAdding({ ...adding, name: e.currentTarget.value })}
            />
            <input
              aria-label="Email"
              placeholder="Email"
              type="email"
              required
              value={adding.email}
              onInput={(e) => setAdding({ ...adding, email: e.currentTarget.value })}
            />
            <select
              aria-label="Role"
              value={adding.role}
              onChange={(e) => setAdding({ ...adding, role: e.currentTarget.value as User['role'] })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button class="btn btn--primary" type="submit">
              Add
            </button>
          </form>
        )}
        {admin && <ImportPeople client={props.client} onImported={() => void load(q, null)} />}
        <ul class="people">
          {people.map((p) => (
            <li key={p.id} class="people__row" data-user-id={p.id}>
              <span class="people__who">
                <strong>{p.displayName ?? p.name}</strong>
                <small>
                  @{p.handle}
                  {p.email && ` · ${p.email}`} · last online {lastSeen(p)}
                </small>
              </span>
              <span class={`people__status people__status--${p.status}`}>{p.status}</span>
              {admin && p.id !== props.me.id ? (
                <span class="people__actions">
                  <select
                    aria-label={`Role of ${p.name}`}
                    value={p.role}
                    onChange={(e) =>
                      void act(async () =>
                        replace(
                          (await peopleApi.updateUser(p.id, { role: e.currentTarget.value as User['role'] }))
                            .user,
                        ),
                      )
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    class="link-btn"
                    onClick={() =>
                      void act(async () => {
                        const { password } = await peopleApi.resetPassword(p.id);
                        setNotice({ text: `New password for ${p.name}, shown once:`, secret: password });
                      })
                    }
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    class="link-btn"
                    onClick={() =>
                      void act(async () =>
                        replace((await peopleApi.suspendUser(p.id, p.status !== 'suspended')).user),
                      )
                    }
                  >
                    {p.status === 'suspended' ? 'Unsuspend' : 'Suspend'}
                  </button>
                  <button
                    type="button"
                    class="link-btn link-btn--danger"
                    onClick={() =>
                      confirm.ask(
                        `Delete ${p.name}? Their messages are emptied and they cannot sign in again.`,
                        'Delete',
                        () =>
                          void act(async () => {
                            await peopleApi.deleteUser(p.id);
                            setPeople((list) => list.filter((x) => x.id !== p.id));
                          }),
                      )
                    }
                  >
                    Delete
                  </button>
                </span>
              ) : (
                <span class="people__role">{p.role}</span>
              )}
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" class="btn" onClick={() => void load(q, cursor)}>
            Load more
          </button>
        )}
      </Dialog>
      {confirm.dialog}
    </>
  );
}
