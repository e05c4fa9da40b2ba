import type {
  FeatureFlags,
  Group,
  Message,
  Preferences,
  TenantSettings,
  User,
} from '@rosterchirp/protocol/client';
import { useEffect, useRef, useState } from 'preact/hooks';

/** A message typed here that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  groupId: number;
  content: string;
  imageKey?: string | undefined;
  replyTo?: number | undefined;
  failed: boolean;
  createdAt: string;
}

/**
 * At most this many messages of a conversation are kept (and rendered): scrolling back slides
 * the window, dropping the newest; scrolling down again loads them back. Memory and DOM stay
 * bounded however far back a reader goes.
 */
export const WINDOW = 400;

export interface Conversation {
  messages: Message[];
  hasMore: boolean;
  /** Newer messages exist beyond the window (the reader scrolled far back). */
  hasNewer: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  /** The highest change sequence seen for this conversation: catch-up asks for what came after. */
  seq: number;
}

export interface ChatState {
  me: User | null;
  booting: boolean;
  connection: 'connecting' | 'online' | 'offline';
  groups: Group[];
  activeId: number | null;
  conversations: Record<number, Conversation>;
  pending: PendingMessage[];
  online: ReadonlySet<number>;
  /** groupId → userId → time the typing hint expires */
  typing: Record<number, Record<number, number>>;
  users: User[];
  /** A short message for the user (an error they should see), cleared after a few seconds. */
  notice: string | null;
  /** The tenant's plan features; null until known (features stay hidden until then). */
  features: FeatureFlags | null;
  /** LiveKit calls are set up on this server. */
  calls: boolean;
  /** An admin whose organisation requires two-factor sign-in, who has not turned it on yet. */
  mustEnrolTotp: boolean;
  /** Why the server ended the session (shown on the sign-in page), if it did. */
  signedOutNotice: string | null;
  /** The workspace's settings as this person may see them; null until loaded. */
  settings: TenantSettings | null;
  /** The person's own preferences (quiet hours, sounds, theme); null until signed in. */
  preferences: Preferences | null;
}

const initial: ChatState = {
  me: null,
  booting: true,
  mustEnrolTotp: false,
  signedOutNotice: null,
  settings: null,
  preferences: null,
  connection: 'connecting',
  groups: [],
  activeId: null,
  conversations: {},
  pending: [],
  online: new Set(),
  typing: {},
  users: [],
  notice: null,
  features: null,
  calls: false,
};

type Listener = (s: ChatState) => void;

/** One small observable store; components read it through useChat(). */
export function createStore() {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(patch: Partial<ChatState> | ((s: ChatState) => Partial<ChatState>)) {
      state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
      for (const l of listeners) l(state);
    },
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    reset() {
      // The workspace's public settings stay: the sign-in page shows its name.
      state = { ...initial, booting: false, online: new Set(), settings: state.settings };
      for (const l of listeners) l(state);
    },
  };
}
export type Store = ReturnType<typeof createStore>;

export function useStore(store: Store): ChatState {
  const [s, setS] = useState(store.get());
  useEffect(() => {
    setS(store.get());
    const off = store.subscribe(setS);
    return () => {
      off();
    };
  }, [store]);
  return s;
}

/**
 * A slice of the state: the component re-renders only when a picked field changes (by
 * identity), not on every event — the sidebar ignores typing, the shell ignores messages.
 */
export function useStoreSlice<T extends Record<string, unknown>>(store: Store, pick: (s: ChatState) => T): T {
  const [slice, setSlice] = useState(() => pick(store.get()));
  const current = useRef(slice);
  const picker = useRef(pick);
  picker.current = pick;
  useEffect(() => {
    const update = (s: ChatState) => {
      const next = picker.current(s);
      const prev = current.current;
      const keys = Object.keys(next);
      if (keys.length === Object.keys(prev).length && keys.every((k) => next[k] === prev[k])) return;
      current.current = next;
      setSlice(next);
    };
    update(store.get());
    return store.subscribe(update);
  }, [store]);
  return slice;
}

/** Reactions as the viewer sees them: `mine` worked out from who reacted, when known. */
export function withMine(message: Message, meId: number | undefined): Message {
  if (meId === undefined) return message;
  return {
    ...message,
    reactions: message.reactions.map((r) => (r.userIds ? { ...r, mine: r.userIds.includes(meId) } : r)),
  };
}

/** Merges messages by id, keeping ascending order (messages ids increase with time). */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
