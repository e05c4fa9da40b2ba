import type {
  ClientToServerEvents,
  Group,
  Message,
  NotifyLevel,
  SendAck,
  ServerToClientEvents,
  SessionEndReason,
} from '@rosterchirp/protocol/client';
import { messagePreview } from '@rosterchirp/protocol/client';
import { io, type Socket } from 'socket.io-client';
import { directoryApi } from '../../lib/directory-api.ts';
import { ApiError } from '../../lib/http.ts';
import { uploadImage } from '../../lib/upload-api.ts';
import {
  type Conversation,
  mergeMessages,
  type PendingMessage,
  type Store,
  WINDOW,
  withMine,
} from '../../store.ts';
import { retryBrokenImages } from '../../ui/broken-images.ts';
import { accountApi } from '../account/account-api.ts';
import { playChime, soundFor } from '../notifications/sounds.ts';
import { startViewingReporter } from '../notifications/viewing-reporter.ts';
import { settingsApi } from '../settings/settings-api.ts';
import { chatApi } from './chat-api.ts';
import { clearDrafts } from './drafts.ts';
import { clearSnapshot, loadSnapshot, saveSnapshot } from './offline-cache.ts';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a missing change may take to arrive (out of order) before it is fetched. */
const GAP_GRACE_MS = 250;

/** What the sign-in page says when the server ended this session. */
const SESSION_END_TEXT: Record<SessionEndReason, string> = {
  suspended: 'Your account was suspended by an admin of your organisation.',
  deleted: 'Your account was deleted by an admin of your organisation.',
  password_reset: 'An admin reset your password. Sign in with the new one they give you.',
  password_changed: 'Your password was changed on another device. Sign in with the new one.',
  signed_out_remotely: 'This device was signed out from another one.',
};

const emptyConversation: Conversation = {
  messages: [],
  hasMore: false,
  hasNewer: false,
  loaded: false,
  loadingOlder: false,
  seq: 0,
};

function newClientId(): string {
  return `web-${crypto.randomUUID()}`;
}

/**
 * Everything the web client does against the server: loading, sending with retries by clientId,
 * live events, and catching up after every reconnect so no message is ever missed.
 */
/** Events a page listens to while open. */
type PageEvent = 'audit:new' | 'import:progress' | 'schedule:changed';

export function createChatClient(store: Store) {
  let socket: ChatSocket | null = null;
  const gapTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Conversations whose first page is loading, and those that heard a change meanwhile. */
  const loading = new Set<number>();
  const heardWhileLoading = new Set<number>();
  const listeners: Partial<Record<PageEvent, Set<unknown>>> = {};
  let readTimer: ReturnType<typeof setTimeout> | undefined;
  const viewing = startViewingReporter(store, (groupId) => socket?.emit('conversation:viewing', { groupId }));

  /** Back to the sign-in page: nothing of this person's stays in memory. */
  /** Back to the sign-in page; `why` tells the person what happened (shown there). */
  function signedOut(why: string | null = null) {
    store.reset();
    clearDrafts();
    clearSnapshot();
    if (why) store.set({ signedOutNotice: why });
  }

  const conv = (id: number): Conversation => store.get().conversations[id] ?? emptyConversation;
  const patchConv = (id: number, patch: Partial<Conversation>) =>
    store.set((s) => ({
      conversations: {
        ...s.conversations,
        [id]: { ...(s.conversations[id] ?? emptyConversation), ...patch },
      },
    }));

  function notify(text: string) {
    store.set({ notice: text });
    setTimeout(() => {
      if (store.get().notice === text) store.set({ notice: null });
    }, 5000);
  }

  /** Remembers the highest change sequence seen in a conversation (events and loads). */
  /**
   * Gap detection. Every conversation event carries the conversation's change sequence, and
   * the next change is always the last one + 1. A jump means broadcasts were lost (an instance's
   * fan-out hiccup) or arrive out of order: the sequence stays where it was, and after a short
   * grace (the missing one may still come) `changes?since=` fills the gap. Nothing depends on
   * the socket ever dropping.
   */
  function saw(groupId: number, seq: number) {
    const c = store.get().conversations[groupId];
    if (loading.has(groupId)) heardWhileLoading.add(groupId);
    if (!c?.loaded || seq <= c.seq) return;
    if (seq === c.seq + 1) {
      patchConv(groupId, { seq });
      return;
    }
    if (gapTimers.has(groupId)) return;
    gapTimers.set(
      groupId,
      setTimeout(() => {
        gapTimers.delete(groupId);
        void catchUpConversation(groupId).catch(() => undefined);
      }, GAP_GRACE_MS),
    );
  }

  const highestSeq = (messages: Message[]) => messages.reduce((max, m) => Math.max(max, m.seq), 0);

  /** Puts a changed message in place (edits, pins, reactions), as the viewer sees it. */
  function replace(raw: Message) {
    const message = withMine(raw, store.get().me?.id);
    const c = conv(message.groupId);
    // Only messages inside the window are replaced; others are fetched fresh when reached.
    if (c.loaded && c.messages.some((m) => m.id === message.id)) {
      patchConv(message.groupId, { messages: mergeMessages(c.messages, [message]) });
    }
  }

  function upsertGroup(group: Group) {
    store.set((s) => {
      const others = s.groups.filter((g) => g.id !== group.id);
      const prior = s.groups.find((g) => g.id === group.id);
      return {
        groups: sortGroups([...others, prior ? { ...group, unread: group.unread ?? prior.unread } : group]),
      };
    });
  }

  function sortGroups(groups: Group[]): Group[] {
    return [...groups].sort((a, b) => (b.lastMessage?.id ?? 0) - (a.lastMessage?.id ?? 0) || b.id - a.id);
  }

  function receive(raw: Message) {
    const s = store.get();
    const message = withMine(raw, s.me?.id);
    const c = s.conversations[message.groupId];
    if (c?.loaded && !c.hasNewer) {
      const merged = mergeMessages(c.messages, [message]);
      patchConv(
        message.groupId,
        merged.length > WINDOW ? { messages: merged.slice(-WINDOW), hasMore: true } : { messages: merged },
      );
    }
    store.set((st) => {
      const typing = { ...st.typing };
      if (message.author && typing[message.groupId]?.[message.author.id]) {
        const { [message.author.id]: _done, ...rest } = typing[message.groupId]!;
        typing[message.groupId] = rest;
      }
      return { pending: st.pending.filter((p) => p.clientId !== message.clientId), typing };
    });
    const mine = message.author?.id === s.me?.id;
    const viewing = s.activeId === message.groupId;
    const group = s.groups.find((g) => g.id === message.groupId);
    if (s.me && s.preferences && !mine) {
      const looking = viewing && document.visibilityState === 'visible';
      const sound = soundFor(message, group, s.me, s.preferences, looking);
      if (sound) playChime(sound, s.preferences.sounds.volume);
    }
    if (!group) {
      void refreshGroups();
      return;
    }
    if (group.lastMessage && group.lastMessage.id > message.id) return;
    upsertGroup({
      ...group,
      lastMessage: {
        id: message.id,
        authorName: message.author?.name ?? null,
        preview: messagePreview(message.content, message.imageUrl !== null, message.deletedAt !== null),
        createdAt: message.createdAt,
      },
      unread: mine || viewing || message.kind === 'system' ? group.unread : group.unread + 1,
    });
    if (viewing && !mine) scheduleMarkRead(message.groupId);
  }

  async function refreshGroups() {
    const { groups } = await chatApi.groups();
    const active = store.get().activeId;
    // The conversation on screen is being read: its badge stays clear and the server hears so.
    store.set({ groups: sortGroups(groups.map((g) => (g.id === active ? { ...g, unread: 0 } : g))) });
    const { me, settings } = store.get();
    if (me) saveSnapshot({ me, groups: store.get().groups, settings });
    if (active !== null && groups.some((g) => g.id === active && g.unread > 0)) scheduleMarkRead(active);
  }

  /**
   * Applies what changed while we were away (docs/API.md "Recovery of changes"): new messages join the
   * window when it shows the latest; edits, deletions, reactions, pins and previews replace the
   * messages we hold. Afterwards the conversation equals a fresh load.
   */
  async function catchUpConversation(id: number) {
    for (;;) {
      const since = conv(id).seq;
      const reply = await chatApi.changes(id, since);
      const me = store.get().me?.id;
      const c = conv(id);
      const held = new Set(c.messages.map((m) => m.id));
      // The window spans its oldest to its newest message (and beyond, at the live end): a
      // change inside that span belongs in it even if we never had it (a missed broadcast);
      // older ones are outside the window and load when scrolled to.
      const oldest = c.messages[0]?.id ?? 0;
      const newest = c.messages.at(-1)?.id ?? 0;
      const inWindow = (id: number) => id >= oldest && (!c.hasNewer || id <= newest);
      const apply = reply.messages
        .filter((m) => held.has(m.id) || inWindow(m.id))
        .map((m) => withMine(m, me));
      const merged = mergeMessages(c.messages, apply);
      patchConv(id, {
        messages: merged.length > WINDOW ? merged.slice(-WINDOW) : merged,
        ...(merged.length > WINDOW ? { hasMore: true } : {}),
        seq: Math.max(c.seq, reply.seq),
      });
      if (!reply.hasMore || reply.seq <= since) break;
    }
  }

  /** After every (re)connect: the sidebar, then each conversation we hold, then our outbox. */
  async function catchUp() {
    await refreshGroups();
    for (const [key, c] of Object.entries(store.get().conversations)) {
      if (c.loaded) await catchUpConversation(Number(key));
    }
    // Anything typed while offline goes out now, with its original clientId (no duplicates).
    for (const p of store.get().pending.filter((x) => x.failed)) void deliver(p);
  }

  function connect() {
    socket?.close();
    store.set({ connection: 'connecting' });
    const s: ChatSocket = io({ transports: ['websocket'], reconnectionDelayMax: 5000 });
    socket = s;
    s.on('connect', () => {
      store.set({ connection: 'online' });
      retryBrokenImages();
      s.emit('users:online', {}, ({ userIds }) => store.set({ online: new Set(userIds) }));
      viewing.resend();
      void catchUp().catch(() => undefined);
      // Changes made while disconnected: an open schedule reloads (event 0 = "anything").
      for (const l of listeners['schedule:changed'] ?? [])
        (l as ServerToClientEvents['schedule:changed'])({ eventId: 0 });
    });
    s.on('disconnect', (reason) => {
      store.set({ connection: 'offline' });
      // The server closed us on purpose (signed out elsewhere, password changed, account
      // suspended): socket.io will not retry by itself. Still signed in? Reconnect; else sign-in page.
      if (reason === 'io server disconnect') {
        void accountApi.me().then(
          () => s.connect(),
          (err: unknown) => {
            if (err instanceof ApiError && err.status === 401) {
              s.close();
              signedOut();
            } else setTimeout(() => s.connect(), 1000);
          },
        );
      }
    });
    s.on('connect_error', (err) => {
      store.set({ connection: 'offline' });
      if (err.message === 'UNAUTHENTICATED') {
        s.close();
        signedOut();
      }
      // Suspended or deleted while we were away: the page explains it.
      if (err.message === 'TENANT_SUSPENDED' || err.message === 'TENANT_NOT_FOUND') {
        s.close();
        location.reload();
      }
    });
    s.on('message:new', ({ message }) => {
      receive(message);
      saw(message.groupId, message.seq);
    });
    s.on('message:updated', ({ message }) => {
      replace(message);
      saw(message.groupId, message.seq);
    });
    s.on('reaction:updated', ({ groupId, messageId, reactions, seq }) => {
      const existing = conv(groupId).messages.find((m) => m.id === messageId);
      if (existing) replace({ ...existing, reactions, seq });
      saw(groupId, seq);
    });
    s.on('message:deleted', ({ groupId, messageId, seq }) => {
      const c = conv(groupId);
      saw(groupId, seq);
      patchConv(groupId, {
        messages: c.messages.map((m) =>
          m.id === messageId
            ? {
                ...m,
                content: '',
                imageUrl: null,
                linkPreview: null,
                pinned: false,
                reactions: [],
                deletedAt: new Date().toISOString(),
              }
            : m,
        ),
      });
    });
    s.on('group:updated', ({ group }) => upsertGroup(group));
    s.on('group:removed', ({ groupId }) =>
      store.set((st) => ({
        groups: st.groups.filter((g) => g.id !== groupId),
        activeId: st.activeId === groupId ? null : st.activeId,
      })),
    );
    // Presence arrives in batches (at most one a second per tenant and instance).
    s.on('presence:changed', ({ online, offline }) =>
      store.set((st) => {
        const next = new Set(st.online);
        for (const id of offline) next.delete(id);
        for (const id of online) next.add(id);
        return { online: next };
      }),
    );
    s.on('typing', ({ groupId, userId }) =>
      store.set((st) => ({
        typing: { ...st.typing, [groupId]: { ...st.typing[groupId], [userId]: Date.now() + 4000 } },
      })),
    );
    s.on('read', ({ groupId, userId }) => {
      if (userId === store.get().me?.id)
        store.set((st) => ({ groups: st.groups.map((g) => (g.id === groupId ? { ...g, unread: 0 } : g)) }));
    });
    s.on('features:updated', ({ features }) => store.set({ features }));
    // An admin changed the workspace: the public part arrives; admin-only fields are kept.
    s.on('settings:updated', ({ settings }) =>
      store.set((st) => ({ settings: { ...st.settings, ...settings } })),
    );
    // This instance's fan-out was interrupted (Redis away): anything may have been missed.
    s.on('sync:required', () => void catchUp().catch(() => undefined));
    s.on('audit:new', (payload) => {
      for (const l of listeners['audit:new'] ?? []) (l as ServerToClientEvents['audit:new'])(payload);
    });
    s.on('schedule:changed', (payload) => {
      for (const l of listeners['schedule:changed'] ?? [])
        (l as ServerToClientEvents['schedule:changed'])(payload);
    });
    s.on('import:progress', (payload) => {
      for (const l of listeners['import:progress'] ?? [])
        (l as ServerToClientEvents['import:progress'])(payload);
    });
    s.on('tenant:closed', () => {
      s.close();
      // The server now answers this organisation's pages with a clear explanation.
      location.reload();
    });
    s.on('session:ended', ({ reason }) => {
      s.close();
      signedOut(SESSION_END_TEXT[reason]);
    });
    s.on('session:displaced', () => {
      s.close();
      signedOut();
      store.set({
        signedOutNotice: 'You signed in on another device of the same kind, so this session was closed.',
      });
    });
  }

  async function deliver(p: PendingMessage) {
    const { groupId, clientId, content, imageKey, replyTo } = p;
    store.set((s) => ({
      pending: s.pending.map((x) => (x.clientId === clientId ? { ...x, failed: false } : x)),
    }));
    const body = { clientId, content, ...(imageKey ? { imageKey } : {}), ...(replyTo ? { replyTo } : {}) };
    try {
      let message: Message;
      if (socket?.connected) {
        const ack = await new Promise<SendAck>((resolve, reject) => {
          socket!
            .timeout(10_000)
            .emit('message:send', { groupId, ...body }, (err, res) => (err ? reject(err) : resolve(res)));
        });
        if (!ack.ok) throw new ApiError(ack.error.code === 'UNAVAILABLE' ? 503 : 400, ack.error);
        message = ack.message;
      } else {
        message = (await chatApi.send(groupId, body)).message;
      }
      receive(message);
    } catch (err) {
      const permanent = err instanceof ApiError && err.status >= 400 && err.status < 500;
      store.set((s) => ({
        pending: permanent
          ? s.pending.filter((x) => x.clientId !== clientId)
          : s.pending.map((x) => (x.clientId === clientId ? { ...x, failed: true } : x)),
      }));
      if (permanent) notify((err as ApiError).message);
    }
  }

  /** After sign-in (or a page load with a live session): conversations, live events, people, plan. */
  /** Offline start: try again when the browser says it is online, and every 10 s meanwhile. */
  function retryBootWhenBack() {
    const again = () => {
      clearInterval(timer);
      window.removeEventListener('online', again);
      void client.boot();
    };
    const timer = setInterval(() => {
      if (navigator.onLine) again();
    }, 10_000);
    window.addEventListener('online', again);
  }

  /** The workspace's settings as this viewer sees them (again after signing in: more fields). */
  async function loadSettings() {
    await settingsApi
      .settings()
      .then(({ settings }) => store.set({ settings }))
      .catch(() => undefined);
  }

  async function startSession() {
    void loadSettings();
    if (!store.get().preferences) {
      void accountApi
        .me()
        .then(({ preferences }) => store.set({ preferences }))
        .catch(() => undefined);
    }
    try {
      await refreshGroups();
    } catch (err) {
      // An admin of an organisation that requires two-factor sign-in enrols first.
      if (err instanceof ApiError && err.error.code === 'TOTP_ENROLMENT_REQUIRED') {
        store.set({ mustEnrolTotp: true });
        return;
      }
      throw err;
    }
    connect();
    void directoryApi.users().then(({ users }) => store.set({ users }));
    void accountApi
      .features()
      .then(({ features, calls }) => store.set({ features, calls: calls === true }))
      .catch(() => undefined);
  }

  function scheduleMarkRead(groupId: number) {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const last = conv(groupId).messages.at(-1);
      if (!last) return;
      store.set((s) => ({ groups: s.groups.map((g) => (g.id === groupId ? { ...g, unread: 0 } : g)) }));
      void chatApi.markRead(groupId, last.id).catch(() => undefined);
    }, 300);
  }

  const client = {
    /** A short message at the bottom of the screen (an error the person should see). */
    notify,
    async boot() {
      void loadSettings();
      try {
        const { user, preferences } = await accountApi.me();
        store.set({ me: user, preferences, booting: false });
        // Nothing else answers until a given password is replaced (ChangePasswordPage).
        if (!user.mustChangePassword) await startSession();
      } catch (err) {
        // No network (an installed app opened offline): show what this device last saw and
        // keep trying; the socket connects by itself when the network returns.
        const snapshot = err instanceof ApiError && err.status === 0 ? loadSnapshot() : null;
        if (snapshot) {
          store.set({
            me: snapshot.me,
            groups: snapshot.groups,
            settings: store.get().settings ?? snapshot.settings,
            booting: false,
            connection: 'offline',
          });
          retryBootWhenBack();
          return;
        }
        store.set({ me: null, booting: false });
      }
    },
    async login(email: string, password: string, second: { totp?: string; recoveryCode?: string } = {}) {
      const { user } = await accountApi.login(email, password, second);
      store.set({ me: user });
      if (!user.mustChangePassword) await startSession();
    },
    /** Two-factor sign-in was just turned on where the organisation requires it: open the app. */
    async enrolled() {
      const { user } = await accountApi.me();
      store.set({ me: user, mustEnrolTotp: false });
      await startSession();
    },
    /** Live events a page listens to while it is open (the audit log, import progress, the schedule). */
    on<E extends PageEvent>(event: E, listener: ServerToClientEvents[E]): () => void {
      listeners[event] ??= new Set();
      const bucket = listeners[event] as Set<ServerToClientEvents[E]>;
      bucket.add(listener);
      return () => bucket.delete(listener);
    },
    /** Replaces a generated or reset password, then opens the app. */
    async changeInitialPassword(currentPassword: string, newPassword: string) {
      await accountApi.changePassword(currentPassword, newPassword);
      const { user } = await accountApi.me();
      store.set({ me: user });
      await startSession();
    },
    async logout() {
      await accountApi.logout().catch(() => undefined);
      socket?.close();
      socket = null;
      signedOut();
    },
    async open(groupId: number) {
      store.set({ activeId: groupId });
      if (!conv(groupId).loaded) {
        loading.add(groupId);
        const page = await chatApi.history(groupId).finally(() => loading.delete(groupId));
        patchConv(groupId, {
          messages: page.messages,
          hasMore: page.hasMore,
          loaded: true,
          seq: highestSeq(page.messages),
        });
        // Changes announced while the page was on its way may not be in it: fetch them.
        if (heardWhileLoading.delete(groupId)) await catchUpConversation(groupId);
      }
      scheduleMarkRead(groupId);
    },
    close: () => store.set({ activeId: null }),
    async readAll() {
      await chatApi.readAll();
      store.set((s) => ({ groups: s.groups.map((g) => ({ ...g, unread: 0 })) }));
    },
    async loadOlder(groupId: number) {
      const c = conv(groupId);
      if (!c.hasMore || c.loadingOlder || !c.messages[0]) return;
      patchConv(groupId, { loadingOlder: true });
      try {
        const page = await chatApi.history(groupId, { before: c.messages[0].id });
        const merged = mergeMessages(conv(groupId).messages, page.messages);
        const slid = merged.length > WINDOW;
        patchConv(groupId, {
          messages: slid ? merged.slice(0, WINDOW) : merged,
          hasMore: page.hasMore,
          hasNewer: conv(groupId).hasNewer || slid,
        });
      } finally {
        patchConv(groupId, { loadingOlder: false });
      }
    },
    /** Loads the messages after the window (the reader scrolled back down). */
    async loadNewer(groupId: number) {
      const c = conv(groupId);
      if (!c.hasNewer || c.loadingOlder || !c.messages.length) return;
      patchConv(groupId, { loadingOlder: true });
      try {
        const page = await chatApi.history(groupId, { after: c.messages.at(-1)!.id, limit: 100 });
        const merged = mergeMessages(conv(groupId).messages, page.messages);
        const slid = merged.length > WINDOW;
        patchConv(groupId, {
          messages: slid ? merged.slice(-WINDOW) : merged,
          hasMore: conv(groupId).hasMore || slid,
          hasNewer: page.hasMore,
        });
      } finally {
        patchConv(groupId, { loadingOlder: false });
      }
    },
    /** Back to the newest page, dropping a window the reader had scrolled far back. */
    async jumpToLatest(groupId: number) {
      const page = await chatApi.history(groupId);
      patchConv(groupId, { messages: page.messages, hasMore: page.hasMore, hasNewer: false, loaded: true });
    },
    send(groupId: number, content: string, extra: { imageKey?: string; replyTo?: number } = {}) {
      const pending: PendingMessage = {
        clientId: newClientId(),
        groupId,
        content,
        imageKey: extra.imageKey,
        replyTo: extra.replyTo,
        failed: false,
        createdAt: new Date().toISOString(),
      };
      store.set((s) => ({ pending: [...s.pending, pending] }));
      void deliver(pending);
    },
    retry: (clientId: string) => {
      const p = store.get().pending.find((x) => x.clientId === clientId);
      if (p) void deliver(p);
    },
    async edit(message: Message, content: string) {
      replace((await chatApi.edit(message.id, content)).message);
    },
    async remove(message: Message) {
      await chatApi.remove(message.id);
    },
    async react(message: Message, emoji: string) {
      const { reactions } = await chatApi.react(message.id, emoji);
      replace({ ...message, reactions });
    },
    async pin(message: Message, pinned: boolean) {
      await chatApi.pin(message.id, pinned);
      replace({ ...message, pinned });
    },
    pins: (groupId: number) => chatApi.pins(groupId),
    search: (q: string, before?: number) => chatApi.search(q, before),
    uploadImage: (file: File) => uploadImage(file),
    /** Makes sure a message is loaded (for "jump to the replied message"). */
    async reveal(groupId: number, messageId: number) {
      for (let i = 0; i < 20; i++) {
        const c = conv(groupId);
        if (c.messages.some((m) => m.id === messageId) || !c.hasMore) return;
        await this.loadOlder(groupId);
      }
    },
    typing(groupId: number) {
      socket?.emit('typing', { groupId });
    },
    async startDirect(userId: number) {
      const { group } = await chatApi.createGroup({ type: 'direct', memberIds: [userId] });
      upsertGroup(group);
      return group.id;
    },
    /** How much a conversation notifies me. */
    async setNotifications(groupId: number, level: NotifyLevel) {
      await chatApi.setNotifications(groupId, level);
      store.set((s) => ({ groups: s.groups.map((g) => (g.id === groupId ? { ...g, notify: level } : g)) }));
    },
    /** Joins a public channel again, or leaves it (out of my list). */
    async setChannelJoined(groupId: number, joined: boolean) {
      const { group } = await chatApi.setChannelJoined(groupId, joined);
      upsertGroup(group);
      if (!joined && store.get().activeId === groupId) store.set({ activeId: null });
    },
    async createPublic(name: string) {
      const { group } = await chatApi.createGroup({ type: 'public', name });
      upsertGroup(group);
      return group.id;
    },
    async createPrivate(name: string, memberIds: number[]) {
      const { group } = await chatApi.createGroup({ type: 'private', name, memberIds });
      upsertGroup(group);
      return group.id;
    },
    /** Reconnect at once when the network or the tab comes back. */
    wake() {
      if (store.get().me && socket && !socket.connected) socket.connect();
    },
  };
  return client;
}

export type ChatClient = ReturnType<typeof createChatClient>;
