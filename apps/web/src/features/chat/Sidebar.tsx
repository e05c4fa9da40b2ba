import type { Group } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { type Store, useStoreSlice } from '../../store.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { IconButton } from '../../ui/IconButton.tsx';
import { countRender } from '../../ui/render-count.ts';
import { hasDraft } from './drafts.ts';
import { shortWhen } from './format.ts';

function GroupIcon({ group, online }: { group: Group; online: boolean }) {
  if (group.type === 'direct')
    return <Avatar name={group.name} url={group.peer?.avatarUrl} size={34} online={online} />;
  if (group.avatarUrl) return <Avatar name={group.name} url={group.avatarUrl} size={34} square />;
  return (
    <span class={`group-icon group-icon--${group.type}`} aria-hidden="true">
      {group.type === 'public' ? '#' : group.type === 'managed' ? '👥' : '🔒'}
    </span>
  );
}

function previewAuthor(g: Group, myName: string): string {
  const author = g.lastMessage?.authorName;
  if (!author) return '';
  if (author === myName) return 'You: ';
  return g.type === 'direct' ? '' : `${author.split(' ')[0]}: `;
}

export function Sidebar(props: {
  store: Store;
  onOpen: (id: number) => void;
  onNewChat: () => void;
  onLogout: () => void;
  onUserGroups: () => void;
  /** Opens the schedule (Team plan). */
  onSchedule: () => void;
  onDevices: () => void;
  onPeople: () => void;
  onProfile: () => void;
  onAudit: () => void;
  onIntegrations: () => void;
  onSettings: () => void;
  onHelp: () => void;
  onBrowseChannels: () => void;
  onReadAll: () => void;
  searchPanel: preact.ComponentChildren;
}) {
  // Only what the list shows: typing and open conversations' messages never re-render it.
  const state = useStoreSlice(props.store, (s) => ({
    me: s.me,
    groups: s.groups,
    activeId: s.activeId,
    connection: s.connection,
    online: s.online,
    features: s.features,
    settings: s.settings,
  }));
  countRender('Sidebar');
  const me = state.me!;
  const staff = me.role === 'admin' || me.role === 'manager';
  const [view, setView] = useState<'messages' | 'managed'>('messages');
  const myName = me.displayName ?? me.name;
  const section = (title: string, groups: Group[], extra?: preact.ComponentChildren) =>
    (groups.length > 0 || extra) && (
      <section class="sidebar__section">
        <h2>
          {title}
          {extra}
        </h2>
        <ul>
          {groups.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                class={`conv${state.activeId === g.id ? ' conv--active' : ''}${g.unread > 0 ? ' conv--unread' : ''}`}
                onClick={() => props.onOpen(g.id)}
                data-group-id={g.id}
              >
                <GroupIcon group={g} online={g.peer ? state.online.has(g.peer.id) : false} />
                <span class="conv__body">
                  <span class="conv__top">
                    <span class="conv__name">{g.name}</span>
                    {g.lastMessage && <span class="conv__when">{shortWhen(g.lastMessage.createdAt)}</span>}
                  </span>
                  <span class="conv__bottom">
                    <span class="conv__preview">
                      {g.lastMessage
                        ? `${previewAuthor(g, myName)}${g.lastMessage.preview}`
                        : 'No messages yet'}
                    </span>
                    {hasDraft(g.id) && state.activeId !== g.id && <span class="draft-tag">Draft</span>}
                    {g.unread > 0 && (
                      <span class="badge">
                        {g.unread > 99 ? '99+' : g.unread}
                        <span class="sr-only"> unread</span>
                      </span>
                    )}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  const managed = state.groups.filter((g) => g.type === 'managed');
  const showManaged = view === 'managed' && managed.length > 0;
  // Channels the person left stay out of the list (the channel browser has them all).
  const channels = state.groups.filter((g) => g.type === 'public' && g.joined);
  const groups = state.groups.filter((g) => g.type === 'private');
  const directs = state.groups.filter((g) => g.type === 'direct');
  const unreadIn = (list: Group[]) => list.reduce((n, g) => n + g.unread, 0);
  return (
    <aside class="sidebar">
      <header class="sidebar__header">
        <img
          src={state.settings?.logoUrl ?? state.settings?.iconUrl ?? '/icon.svg'}
          alt=""
          width={28}
          height={28}
        />
        <span class="sidebar__brand">{state.settings?.appName ?? 'RosterChirp'}</span>
        <IconButton label="Help" onClick={props.onHelp}>
          ?
        </IconButton>
        {state.features?.feature_schedule_manager && (
          <IconButton label="Schedule" onClick={props.onSchedule}>
            📅
          </IconButton>
        )}
        <IconButton label="New conversation" onClick={props.onNewChat}>
          ✎
        </IconButton>
      </header>
      {state.connection !== 'online' && (
        <div class={`conn-banner conn-banner--${state.connection}`} role="status">
          {state.connection === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}
        </div>
      )}
      {props.searchPanel}
      {managed.length > 0 && (
        <div class="views" role="tablist" aria-label="Views">
          <button
            type="button"
            role="tab"
            aria-selected={!showManaged}
            class={showManaged ? 'view' : 'view view--on'}
            onClick={() => setView('messages')}
          >
            Messages{unreadIn([...channels, ...groups, ...directs]) > 0 ? ' •' : ''}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={showManaged}
            class={showManaged ? 'view view--on' : 'view'}
            onClick={() => setView('managed')}
          >
            Group Messages{unreadIn(managed) > 0 ? ' •' : ''}
          </button>
        </div>
      )}
      {unreadIn(state.groups.filter((g) => g.joined)) > 0 && (
        <button type="button" class="mark-all" onClick={props.onReadAll}>
          Mark all read
        </button>
      )}
      <nav class="sidebar__list" aria-label="Conversations">
        {showManaged ? (
          section('Group messages', managed)
        ) : (
          <>
            {section(
              'Channels',
              channels,
              <button type="button" class="link-btn sidebar__browse" onClick={props.onBrowseChannels}>
                Browse
              </button>,
            )}
            {section('Groups', groups)}
            {section('Direct messages', directs)}
          </>
        )}
        {state.groups.length === 0 && <p class="sidebar__empty">No conversations yet.</p>}
      </nav>
      <footer class="sidebar__me">
        <Avatar
          name={me.displayName ?? me.name}
          url={me.avatarUrl}
          size={32}
          online={state.connection === 'online'}
        />
        <button type="button" class="sidebar__me-name" onClick={props.onProfile}>
          <span class="visually-hidden">Your profile: </span>
          <strong>{me.displayName ?? me.name}</strong>
          <small>@{me.handle}</small>
        </button>
        {staff && state.features?.feature_group_manager && (
          <IconButton label="User groups" extraClass="sidebar__admin" onClick={props.onUserGroups}>
            👥
          </IconButton>
        )}
        {staff && (
          <IconButton label="People" extraClass="sidebar__admin" onClick={props.onPeople}>
            🧑‍🤝‍🧑
          </IconButton>
        )}
        {me.role === 'admin' && (
          <IconButton label="Security and audit log" extraClass="sidebar__admin" onClick={props.onAudit}>
            🛡️
          </IconButton>
        )}
        {me.role === 'admin' && (
          <IconButton label="Integrations" extraClass="sidebar__admin" onClick={props.onIntegrations}>
            🔌
          </IconButton>
        )}
        {me.role === 'admin' && (
          <IconButton label="Workspace settings" extraClass="sidebar__admin" onClick={props.onSettings}>
            ⚙️
          </IconButton>
        )}
        <IconButton label="Signed-in devices" extraClass="sidebar__admin" onClick={props.onDevices}>
          🔐
        </IconButton>
        <button type="button" class="link-btn" onClick={props.onLogout}>
          Sign out
        </button>
      </footer>
    </aside>
  );
}
