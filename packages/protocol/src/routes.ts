import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from './constants.ts';
import { Group, GroupType, Member, Message, NotifyLevel, Reaction, Role, User } from './entities.ts';
import { Preferences, PreferencesChange } from './preferences.ts';

/** Request and response schemas of every route in docs/API.md, shared by server, client and load tests. */

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax });
const Name = Type.String({ minLength: 1, maxLength: LIMITS.nameMax });
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const BigId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const Device = Type.Union([Type.Literal('mobile'), Type.Literal('desktop')]);
export type Device = Static<typeof Device>;

export const IdParams = Type.Object({ id: Id });
export const GroupMemberParams = Type.Object({ id: Id, userId: Id });
export const MessageIdParams = Type.Object({ id: BigId });

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
    device: Type.Optional(Device),
    totp: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;
export const AuthReply = Type.Object({ token: Type.String(), user: User });
export type AuthReply = Static<typeof AuthReply>;
export const MeReply = Type.Object({ user: User, preferences: Preferences });
export type MeReply = Static<typeof MeReply>;

export const RegisterBody = Type.Object(
  { email: Email, name: Name, password: Password },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;
export const PasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }), newPassword: Password },
  { additionalProperties: false },
);
export type PasswordBody = Static<typeof PasswordBody>;

export const CreateUserBody = Type.Object(
  { email: Email, name: Name, password: Type.Optional(Password), role: Type.Optional(Role) },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;
export const CreateUserReply = Type.Object({ user: User, password: Type.Optional(Type.String()) });
export const UsersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type UsersQuery = Static<typeof UsersQuery>;
/** Members see people without their email (an empty string); admins and managers see it. */
export const UsersReply = Type.Object({
  users: Type.Array(User),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type UsersReply = Static<typeof UsersReply>;
/** CSV of `name,email[,role]` (a header row), at most 5 MB. */
export const ImportUsersBody = Type.Object(
  { csv: Type.String({ minLength: 1, maxLength: 5_000_000 }), dryRun: Type.Boolean() },
  { additionalProperties: false },
);
export type ImportUsersBody = Static<typeof ImportUsersBody>;
export const ImportRow = Type.Object({
  line: Type.Integer(),
  email: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  error: Type.Optional(Type.String()),
  /** A created person's generated password, shown once (not with USER_PASS, not on a dry run). */
  password: Type.Optional(Type.String()),
});
export type ImportRow = Static<typeof ImportRow>;
export const ImportUsersReply = Type.Object({ rows: Type.Array(ImportRow), created: Type.Integer() });
export type ImportUsersReply = Static<typeof ImportUsersReply>;
export const PatchUserBody = Type.Object(
  {
    name: Type.Optional(Name),
    displayName: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.nameMax }), Type.Null()])),
    role: Type.Optional(Role),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchUserBody = Static<typeof PatchUserBody>;
/** What anyone changes on their own profile (null clears a field). */
export const PatchMeBody = Type.Object(
  {
    displayName: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.nameMax }), Type.Null()])),
    aboutMe: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    phone: Type.Optional(
      Type.Union([Type.String({ maxLength: 40, pattern: '^[0-9+()./ -]*$' }), Type.Null()]),
    ),
    /** An upload of kind "avatar" (the server crops it square and makes its sizes); null removes it. */
    avatarKey: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 300 }), Type.Null()])),
    /** Replaces the parts given (quietHours: null turns quiet hours off). */
    preferences: Type.Optional(PreferencesChange),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchMeBody = Static<typeof PatchMeBody>;
export const UserReply = Type.Object({ user: User });
export const PatchMeReply = Type.Object({ user: User, preferences: Preferences });
export type PatchMeReply = Static<typeof PatchMeReply>;
export const ResetPasswordReply = Type.Object({ password: Type.String() });
export const SessionParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const SessionInfo = Type.Object({
  id: Type.String(),
  device: Device,
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;
export const SessionsReply = Type.Object({ sessions: Type.Array(SessionInfo) });
export type SessionsReply = Static<typeof SessionsReply>;

export const CreateGroupBody = Type.Object(
  {
    type: Type.Union([Type.Literal('public'), Type.Literal('private'), Type.Literal('direct')]),
    name: Type.Optional(Name),
    memberIds: Type.Optional(Type.Array(Id, { maxItems: LIMITS.membersMax })),
  },
  { additionalProperties: false },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;
export const GroupReply = Type.Object({ group: Group });
export const GroupsReply = Type.Object({ groups: Type.Array(Group) });
export const GroupDetailReply = Type.Object({ group: Group, members: Type.Array(Member) });
export const PatchGroupBody = Type.Object(
  {
    name: Type.Optional(Name),
    /** An upload of kind "avatar" (cropped square by the server); null removes the picture. */
    avatarKey: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 300 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchGroupBody = Static<typeof PatchGroupBody>;
export const AddMembersBody = Type.Object(
  { userIds: Type.Array(Id, { minItems: 1, maxItems: LIMITS.membersMax }) },
  { additionalProperties: false },
);
export type AddMembersBody = Static<typeof AddMembersBody>;
export const MembersReply = Type.Object({ members: Type.Array(Member) });

export const HistoryQuery = Type.Object(
  {
    before: Type.Optional(BigId),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.historyMax })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryReply = Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() });
export type HistoryReply = Static<typeof HistoryReply>;
export const ChangesQuery = Type.Object(
  {
    since: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.changesMax })),
  },
  { additionalProperties: false },
);
export type ChangesQuery = Static<typeof ChangesQuery>;
/** Everything changed after `since`: live messages as they are now, deleted ones by id; `seq` to ask from next. */
export const ChangesReply = Type.Object({
  messages: Type.Array(Message),
  deleted: Type.Array(Type.Integer()),
  seq: Type.Integer(),
  hasMore: Type.Boolean(),
});
export type ChangesReply = Static<typeof ChangesReply>;

export const SendMessageFields = {
  clientId: Type.String({ minLength: 1, maxLength: LIMITS.clientIdMax, pattern: '^[A-Za-z0-9_.:-]+$' }),
  content: Type.Optional(Type.String({ maxLength: LIMITS.contentMax })),
  imageKey: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  replyTo: Type.Optional(BigId),
};
export const SendMessageBody = Type.Object(SendMessageFields, { additionalProperties: false });
export type SendMessageBody = Static<typeof SendMessageBody>;
export const MessageReply = Type.Object({ message: Message });
export type MessageReply = Static<typeof MessageReply>;
export const EditMessageBody = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: LIMITS.contentMax }) },
  { additionalProperties: false },
);
export type EditMessageBody = Static<typeof EditMessageBody>;
export const ReadBody = Type.Object({ messageId: BigId }, { additionalProperties: false });
export type ReadBody = Static<typeof ReadBody>;

export const HealthReply = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  instance: Type.String(),
});
export const ReadyReply = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Boolean()),
});

export const UploadKind = Type.Union([Type.Literal('image'), Type.Literal('avatar'), Type.Literal('logo')]);
export type UploadKind = Static<typeof UploadKind>;
export const ImageContentType = Type.Union([
  Type.Literal('image/jpeg'),
  Type.Literal('image/png'),
  Type.Literal('image/gif'),
  Type.Literal('image/webp'),
]);
export const CreateUploadBody = Type.Object(
  {
    kind: UploadKind,
    contentType: ImageContentType,
    size: Type.Integer({ minimum: 1, maximum: 1024 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type CreateUploadBody = Static<typeof CreateUploadBody>;
/** Admin: `dryRun` reports what the cleanup would delete without deleting it. */
export const UploadCleanupBody = Type.Object({ dryRun: Type.Boolean() }, { additionalProperties: false });
export const UploadCleanupReply = Type.Object({
  report: Type.Object({
    objects: Type.Integer(),
    inUse: Type.Integer(),
    recent: Type.Integer(),
    orphans: Type.Array(Type.String()),
    deleted: Type.Integer(),
  }),
});
export type UploadCleanupReply = Static<typeof UploadCleanupReply>;
export const CreateUploadReply = Type.Object({
  key: Type.String(),
  uploadUrl: Type.String(),
  method: Type.Literal('PUT'),
  headers: Type.Record(Type.String(), Type.String()),
  expiresAt: Type.String(),
});
export type CreateUploadReply = Static<typeof CreateUploadReply>;
export const DirectUploadReply = Type.Object({ key: Type.String(), url: Type.String() });

export const ReactionBody = Type.Object(
  { emoji: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);
export type ReactionBody = Static<typeof ReactionBody>;
export const ReactionsReply = Type.Object({ reactions: Type.Array(Reaction) });
export const MessagesReply = Type.Object({ messages: Type.Array(Message) });
export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    before: Type.Optional(BigId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;
export const SearchReply = Type.Object({
  results: Type.Array(
    Type.Object({
      message: Message,
      group: Type.Object({ id: Type.Integer(), type: GroupType, name: Type.String() }),
    }),
  ),
  hasMore: Type.Boolean(),
});
export type SearchReply = Static<typeof SearchReply>;

export const UserGroupSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  memberIds: Type.Array(Type.Integer()),
  managedGroupId: Type.Union([Type.Integer(), Type.Null()]),
});
export type UserGroup = Static<typeof UserGroupSchema>;
export const UserGroupsReply = Type.Object({ userGroups: Type.Array(UserGroupSchema) });
export const UserGroupReply = Type.Object({ userGroup: UserGroupSchema });
export const CreateUserGroupBody = Type.Object(
  { name: Name, memberIds: Type.Array(Id, { maxItems: LIMITS.membersMax }) },
  { additionalProperties: false },
);
export const PatchUserGroupBody = Type.Object(
  { name: Type.Optional(Name), memberIds: Type.Optional(Type.Array(Id, { maxItems: LIMITS.membersMax })) },
  { additionalProperties: false },
);
export const DmRuleSchema = Type.Object(
  { fromUserGroupId: Id, toUserGroupId: Id },
  { additionalProperties: false },
);
export const DmRestrictionsBody = Type.Object(
  { rules: Type.Array(DmRuleSchema, { maxItems: 1000 }) },
  { additionalProperties: false },
);
export const DmRestrictionsReply = Type.Object({ rules: Type.Array(DmRuleSchema) });
export type DmRule = Static<typeof DmRuleSchema>;

export const NotificationsBody = Type.Object({ level: NotifyLevel }, { additionalProperties: false });
export type NotificationsBody = Static<typeof NotificationsBody>;
