import type { Group, Member, NotifyLevel, User } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { uploadImage } from '../../lib/upload-api.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { chatApi } from './chat-api.ts';
import type { ChatClient } from './chat-client.ts';

const KIND: Record<Group['type'], string> = {
  public: 'Public channel — everyone in the workspace reads and posts',
  private: 'Private group — members only',
  direct: 'Direct message',
  managed: 'Group message — follows its user group',
};

/**
 * A conversation's info: its members (online, role), and — by who may — rename, add and remove
 * members; anyone leaves a private group.
 */
export function ConversationInfoDialog(props: {
  group: Group;
  me: User;
  client: ChatClient;
  users: User[];
  online: ReadonlySet<number>;
  onLeft: () => void;
  onClose: () => void;
}) {
  const { group, me } = props;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [name, setName] = useState(group.name);
  const [adding, setAdding] = useState(false);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const failed = (err: unknown) => setError(err instanceof ApiError ? err.message : 'That did not work');
  const manages = me.role === 'admin' || (group.createdBy === me.id && group.type !== 'public');
  const canRename = manages && (group.type === 'public' || group.type === 'private');
  const isPrivate = group.type === 'private';

  const load = () => chatApi.group(group.id).then(({ members: list }) => setMembers(list), failed);
  useEffect(() => {
    void load();
  }, [group.id]);

  const memberIds = new Set(members?.map((m) => m.id));
  const candidates = props.users
    .filter((u) => u.status === 'active' && !memberIds.has(u.id))
    .filter((u) => `${u.name} ${u.handle}`.toLowerCase().includes(query.toLowerCase()))
    .slice(0, 20);

  return (
    <Dialog
      label="Conversation info"
      title={group.type === 'public' ? `# ${group.name}` : group.name}
      onClose={props.onClose}
    >
      <p class="dialog__hint">{KIND[group.type]}</p>
      <label class="info__notify">
        Notifications
        <select
          value={group.notify}
          onChange={(e) =>
            void props.client.setNotifications(group.id, e.currentTarget.value as NotifyLevel).catch(failed)
          }
        >
          <option value="all">Every message</option>
          <option value="mentions">Only when I am mentioned</option>
          <option value="none">Nothing</option>
        </select>
      </label>
      {canRename && (
        <div class="profile__avatar">
          <Avatar name={group.name} url={group.avatarUrl} size={56} square />
          <label class="btn btn--small">
            Change picture
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              class="visually-hidden"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (file)
                  void uploadImage(file, 'avatar')
                    .then((key) => chatApi.setGroupPicture(group.id, key))
                    .catch(failed);
              }}
            />
          </label>
          {group.avatarUrl && (
            <button
              type="button"
              class="link-btn"
              onClick={() => chatApi.setGroupPicture(group.id, null).catch(failed)}
            >
              Remove picture
            </button>
          )}
        </div>
      )}
      {canRename && (
        <form
          class="info__rename"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            chatApi.renameGroup(group.id, name.trim()).then(() => undefined, failed);
          }}
        >
          <input
            aria-label="Conversation name"
            value={name}
            maxLength={100}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="btn" disabled={!name.trim() || name.trim() === group.name}>
            Rename
          </button>
        </form>
      )}
      <h3 class="info__heading">
        {members ? `${members.length} member${members.length === 1 ? '' : 's'}` : 'Members'}
      </h3>
      <ul class="people info__members" aria-label="Members">
        {members?.map((m) => (
          <li key={m.id} class="info__member">
            <Avatar
              name={m.displayName ?? m.name}
              url={m.avatarUrl}
              size={32}
              online={props.online.has(m.id)}
            />
            <span class="person__name">
              <span>
                {m.displayName ?? m.name}
                {m.bot && (
                  <span class="bot-badge" title="A bot or an integration">
                    BOT
                  </span>
                )}
              </span>
              <small>
                @{m.handle}
                {group.createdBy === m.id && group.type !== 'public' ? ' · owner' : ''}
                {m.role !== 'member' ? ` · ${m.role}` : ''}
                {props.online.has(m.id) ? ' · online' : ''}
              </small>
            </span>
            {isPrivate && manages && m.id !== me.id && (
              <button
                type="button"
                class="link-btn link-btn--danger"
                aria-label={`Remove ${m.name}`}
                onClick={() => chatApi.removeMember(group.id, m.id).then(load, failed)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {isPrivate && manages && !adding && (
        <button type="button" class="btn" onClick={() => setAdding(true)}>
          Add people
        </button>
      )}
      {adding && (
        <div class="info__add">
          <input
            type="search"
            aria-label="Find people to add"
            placeholder="Find people to add"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <ul class="people">
            {candidates.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  class="person"
                  onClick={() => chatApi.addMembers(group.id, [u.id]).then(load, failed)}
                >
                  <Avatar name={u.name} url={u.avatarUrl} size={28} />
                  <span class="person__name">
                    {u.displayName ?? u.name}
                    <small>@{u.handle}</small>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {group.type === 'public' && (
        <button
          type="button"
          class="link-btn link-btn--danger"
          onClick={() =>
            props.client.setChannelJoined(group.id, false).then(() => {
              props.onLeft();
              props.onClose();
            }, failed)
          }
        >
          Leave this channel
        </button>
      )}
      {isPrivate && (
        <button
          type="button"
          class="link-btn link-btn--danger"
          onClick={() =>
            chatApi.removeMember(group.id, me.id).then(() => {
              props.onLeft();
              props.onClose();
            }, failed)
          }
        >
          Leave this group
        </button>
      )}
    </Dialog>
  );
}
