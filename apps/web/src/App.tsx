import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChangePasswordPage } from './features/account/ChangePasswordPage.tsx';
import { EnrolTwoFactorPage } from './features/account/EnrolTwoFactorPage.tsx';
import { LoginPage } from './features/account/LoginPage.tsx';
import { ConversationView } from './features/chat/ConversationView.tsx';
import { createChatClient } from './features/chat/chat-client.ts';
import { SearchPanel } from './features/chat/SearchPanel.tsx';
import { Sidebar } from './features/chat/Sidebar.tsx';
import { callFromHash, startCall } from './features/integrations/start-call.ts';
import { refreshPush } from './features/notifications/device-push.ts';
import { listenForNotificationOpens } from './features/notifications/open-from-notification.ts';
import { PushPrompt } from './features/notifications/PushPrompt.tsx';
import { applyBranding } from './features/settings/branding.ts';
import { createStore, useStoreSlice } from './store.ts';
import { retryBrokenImages } from './ui/broken-images.ts';
import { lazyPart } from './ui/lazy-part.tsx';
import { countRender } from './ui/render-count.ts';

// Dialogs load on first use (each its own chunk).
const AuditDialog = lazyPart(() => import('./features/security/AuditDialog.tsx').then((m) => m.AuditDialog));
const DevicesDialog = lazyPart(() =>
  import('./features/account/DevicesDialog.tsx').then((m) => m.DevicesDialog),
);
const NewChatDialog = lazyPart(() =>
  import('./features/chat/NewChatDialog.tsx').then((m) => m.NewChatDialog),
);
const PeopleDialog = lazyPart(() => import('./features/people/PeopleDialog.tsx').then((m) => m.PeopleDialog));
const ProfileDialog = lazyPart(() =>
  import('./features/account/ProfileDialog.tsx').then((m) => m.ProfileDialog),
);
const SettingsDialog = lazyPart(() =>
  import('./features/settings/SettingsDialog.tsx').then((m) => m.SettingsDialog),
);
const ChannelBrowser = lazyPart(() =>
  import('./features/chat/ChannelBrowser.tsx').then((m) => m.ChannelBrowser),
);
const SchedulePage = lazyPart(() =>
  import('./features/schedule/SchedulePage.tsx').then((m) => m.SchedulePage),
);
const IntegrationsDialog = lazyPart(() =>
  import('./features/integrations/IntegrationsDialog.tsx').then((m) => m.IntegrationsDialog),
);
const HelpDialog = lazyPart(() => import('./features/settings/HelpDialog.tsx').then((m) => m.HelpDialog));
const UserGroupsDialog = lazyPart(() =>
  import('./features/people/UserGroupsDialog.tsx').then((m) => m.UserGroupsDialog),
);

export function App() {
  const store = useMemo(createStore, []);
  const client = useMemo(() => createChatClient(store), [store]);
  // The shell re-renders only for what it shows: not for messages, typing or presence.
  const state = useStoreSlice(store, (s) => ({
    booting: s.booting,
    me: s.me,
    mustEnrolTotp: s.mustEnrolTotp,
    notice: s.notice,
    signedOutNotice: s.signedOutNotice,
    settings: s.settings,
    preferences: s.preferences,
    features: s.features,
    activeId: s.activeId,
    unread: s.me ? s.groups.reduce((n, g) => n + (g.joined ? g.unread : 0), 0) : 0,
  }));
  countRender('App');
  const [newChat, setNewChat] = useState(false);
  const [userGroups, setUserGroups] = useState(false);
  const [devices, setDevices] = useState(false);
  const [people, setPeople] = useState(false);
  const [profile, setProfile] = useState(false);
  const [audit, setAudit] = useState(false);
  const [integrations, setIntegrations] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [browse, setBrowse] = useState(false);
  const [highlight, setHighlight] = useState<number | null>(null);
  // The schedule replaces the conversation pane while open (`/?schedule` opens it directly).
  const [schedule, setSchedule] = useState(() => new URLSearchParams(location.search).has('schedule'));
  const scheduleOn = schedule && state.features?.feature_schedule_manager === true;
  const [reminded, setReminded] = useState<{ eventId: number; start: string } | null>(null);

  useEffect(() => {
    void client.boot();
    const wake = () => {
      client.wake();
      retryBrokenImages();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && wake());
    return () => window.removeEventListener('online', wake);
  }, [client]);

  useEffect(() => applyBranding(state.settings, state.unread), [state.settings, state.unread]);

  // "Join the call" links in a conversation (`#call:12`) join that conversation's call.
  useEffect(() => {
    const onHash = () => {
      const groupId = callFromHash(location.hash);
      if (groupId === null) return;
      history.replaceState(null, '', location.pathname + location.search);
      void startCall(groupId, client.notify);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [client]);

  // A notification clicked (now or to open this window) opens its conversation once signed in.
  const signedIn = Boolean(state.me && !state.me.mustChangePassword && !state.mustEnrolTotp);
  useEffect(() => {
    if (!signedIn) return;
    void refreshPush().catch(() => undefined);
    return listenForNotificationOpens(
      (id) => {
        setHighlight(null);
        setSchedule(false);
        void client.open(id).catch(() => client.notify('That conversation is not available.'));
      },
      (target) => {
        setReminded(target);
        setSchedule(true);
      },
    );
  }, [signedIn, client]);

  if (state.booting) return <div class="splash">Loading…</div>;
  if (!state.me)
    return <LoginPage client={client} notice={state.signedOutNotice} settings={state.settings} />;
  if (state.me.mustChangePassword)
    return <ChangePasswordPage client={client} name={state.me.displayName ?? state.me.name} />;
  if (state.mustEnrolTotp)
    return <EnrolTwoFactorPage client={client} name={state.me.displayName ?? state.me.name} />;
  return (
    <div class={`shell${state.activeId || scheduleOn ? ' shell--conversation' : ''}`}>
      <Sidebar
        store={store}
        onOpen={(id) => {
          setHighlight(null);
          setSchedule(false);
          void client.open(id);
        }}
        onSchedule={() => setSchedule(true)}
        onNewChat={() => setNewChat(true)}
        onLogout={() => void client.logout()}
        onUserGroups={() => setUserGroups(true)}
        onDevices={() => setDevices(true)}
        onPeople={() => setPeople(true)}
        onProfile={() => setProfile(true)}
        onAudit={() => setAudit(true)}
        onIntegrations={() => setIntegrations(true)}
        onSettings={() => setSettingsOpen(true)}
        onHelp={() => setHelp(true)}
        onBrowseChannels={() => setBrowse(true)}
        onReadAll={() => void client.readAll()}
        searchPanel={
          <SearchPanel
            client={client}
            onOpen={(groupId, messageId) => {
              void client.open(groupId).then(async () => {
                await client.reveal(groupId, messageId);
                setHighlight(messageId);
              });
            }}
          />
        }
      />
      {scheduleOn && state.me ? (
        <SchedulePage
          store={store}
          me={state.me}
          onLive={(listener) => client.on('schedule:changed', listener)}
          onBack={() => setSchedule(false)}
          opening={reminded}
        />
      ) : (
        <ConversationView store={store} client={client} highlight={highlight} />
      )}
      <PushPrompt store={store} />
      {state.notice && (
        <div class="toast" role="alert">
          {state.notice}
        </div>
      )}
      {devices && <DevicesDialog onClose={() => setDevices(false)} />}
      {people && state.me && <PeopleDialog me={state.me} client={client} onClose={() => setPeople(false)} />}
      {profile && state.me && (
        <ProfileDialog
          me={state.me}
          onSaved={(me) => store.set({ me })}
          preferences={state.preferences}
          onPreferences={(preferences) => store.set({ preferences })}
          onClose={() => setProfile(false)}
        />
      )}
      {audit && <AuditDialog client={client} onClose={() => setAudit(false)} />}
      {integrations && <IntegrationsDialog store={store} onClose={() => setIntegrations(false)} />}
      {settingsOpen && (
        <SettingsDialog
          features={state.features}
          onSaved={(settings) => store.set({ settings })}
          onClose={() => setSettingsOpen(false)}
        />
      )}
      {browse && (
        <ChannelBrowser
          store={store}
          client={client}
          onOpen={(id) => {
            setBrowse(false);
            void client.open(id);
          }}
          onClose={() => setBrowse(false)}
        />
      )}
      {help && <HelpDialog settings={state.settings} onClose={() => setHelp(false)} />}
      {userGroups && <UserGroupsDialog store={store} onClose={() => setUserGroups(false)} />}
      {newChat && <NewChatDialog store={store} client={client} onClose={() => setNewChat(false)} />}
    </div>
  );
}
