import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('manager'), Type.Literal('member')]);
export type Role = Static<typeof Role>;
export const UserStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('deleted'),
]);
export const GroupType = Type.Union([
  Type.Literal('public'),
  Type.Literal('private'),
  Type.Literal('direct'),
  Type.Literal('managed'),
]);
export type GroupType = Static<typeof GroupType>;

export const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  displayName: Nullable(Type.String()),
  handle: Type.String(),
  role: Role,
  status: UserStatus,
  avatarUrl: Nullable(Type.String()),
  aboutMe: Nullable(Type.String()),
  /** Shown to admins, managers and the person; null for everyone else. */
  phone: Nullable(Type.String()),
  lastOnline: Nullable(Type.String()),
  /** A generated, default or reset password: it must be changed before anything else. */
  mustChangePassword: Type.Boolean(),
  /** Two-factor sign-in (TOTP) is on for this account. */
  totpEnabled: Type.Boolean(),
  /** A bot account (integrations): signs in with a token, limited to its scopes. */
  bot: Type.Optional(Type.Boolean()),
  botScopes: Type.Optional(Type.Array(Type.String())),
});
export type User = Static<typeof User>;

/** One line of the tenant's audit log: who did what to what, from where. */
export const TenantAuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  ip: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type TenantAuditEntry = Static<typeof TenantAuditEntry>;

export const Author = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  handle: Type.String(),
  avatarUrl: Nullable(Type.String()),
  /** Posted by a bot or an integration (shown with a BOT badge). */
  bot: Type.Optional(Type.Boolean()),
});
export type Author = Static<typeof Author>;

/** `userIds`: who reacted (oldest first), so clients work out `mine` from broadcasts too. */
export const Reaction = Type.Object({
  emoji: Type.String(),
  count: Type.Integer(),
  mine: Type.Boolean(),
  userIds: Type.Optional(Type.Array(Type.Integer())),
});

export const Message = Type.Object({
  id: Type.Integer(),
  groupId: Type.Integer(),
  /** The conversation's change sequence at this message's latest change (recovery: `changes?since=`). */
  seq: Type.Integer(),
  clientId: Nullable(Type.String()),
  author: Type.Union([Author, Type.Null()]),
  kind: Type.Union([Type.Literal('user'), Type.Literal('system')]),
  content: Type.String(),
  imageUrl: Nullable(Type.String()),
  /** A WebP at most 480 px wide, made by the server shortly after the message; null until then. */
  thumbUrl: Nullable(Type.String()),
  replyTo: Type.Union([
    Type.Object({ id: Type.Integer(), author: Type.Union([Author, Type.Null()]), excerpt: Type.String() }),
    Type.Null(),
  ]),
  reactions: Type.Array(Reaction),
  mentions: Type.Array(Type.String()),
  pinned: Type.Boolean(),
  linkPreview: Type.Union([
    Type.Object({
      url: Type.String(),
      title: Nullable(Type.String()),
      description: Nullable(Type.String()),
      imageUrl: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
  editedAt: Nullable(Type.String()),
  deletedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type Message = Static<typeof Message>;

export const LastMessage = Type.Object({
  id: Type.Integer(),
  authorName: Nullable(Type.String()),
  preview: Type.String(),
  createdAt: Type.String(),
});

export const NotifyLevel = Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')]);
export type NotifyLevel = Static<typeof NotifyLevel>;

export const Group = Type.Object({
  id: Type.Integer(),
  type: GroupType,
  name: Type.String(),
  memberCount: Type.Integer(),
  unread: Type.Integer(),
  lastMessage: Type.Union([LastMessage, Type.Null()]),
  readonly: Type.Boolean(),
  /** For direct chats: the other participant. */
  peer: Type.Union([Author, Type.Null()]),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  /** The conversation's picture (256 px; the 64 px one under thumb/), if it has one. */
  avatarUrl: Nullable(Type.String()),
  /** False for a public channel the viewer left (it stays out of their list until they join). */
  joined: Type.Boolean(),
  /** How much it notifies the viewer: set by them, else all (public channels: mentions). */
  notify: NotifyLevel,
});
export type Group = Static<typeof Group>;

export const Member = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  displayName: Nullable(Type.String()),
  handle: Type.String(),
  avatarUrl: Nullable(Type.String()),
  role: Role,
  status: UserStatus,
  lastOnline: Nullable(Type.String()),
  /** A bot account (integrations): shown with a BOT badge. */
  bot: Type.Optional(Type.Boolean()),
});
export type Member = Static<typeof Member>;
