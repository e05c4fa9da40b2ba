import { type Static, Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS, LIMITS } from './constants.ts';
import { TenantAuditEntry } from './entities.ts';

/** Schemas of two-factor sign-in, the tenant audit log and the tenant's security settings. */

export const TotpSetupReply = Type.Object({
  secret: Type.String(),
  otpauthUrl: Type.String(),
  /** The otpauth URL as a QR code (SVG markup), for the authenticator app to scan. */
  qrSvg: Type.String(),
});
export type TotpSetupReply = Static<typeof TotpSetupReply>;
export const TotpEnableBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);
export const TotpEnableReply = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type TotpEnableReply = Static<typeof TotpEnableReply>;
export const TotpDisableBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }) },
  { additionalProperties: false },
);

export const TenantAuditQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
    actorId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type TenantAuditQuery = Static<typeof TenantAuditQuery>;
export const TenantAuditReply = Type.Object({
  entries: Type.Array(TenantAuditEntry),
  hasMore: Type.Boolean(),
});
export type TenantAuditReply = Static<typeof TenantAuditReply>;

const Hex = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
export const BrandColors = Type.Object({ primary: Hex, accent: Hex }, { additionalProperties: false });
export type BrandColors = Static<typeof BrandColors>;

/** The workspace's settings: the public part (the sign-in page) and what admins also see. */
export const TenantSettings = Type.Object({
  appName: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
  iconUrl: Type.Union([Type.String(), Type.Null()]),
  colors: Type.Union([BrandColors, Type.Null()]),
  registrationOpen: Type.Boolean(),
  aboutMarkdown: Type.String(),
  /** The about text rendered to safe HTML by the server. */
  aboutHtml: Type.String(),
  /** Signed-in people: the help page, rendered to safe HTML. */
  helpHtml: Type.Optional(Type.String()),
  /** Admins only from here on. */
  helpMarkdown: Type.Optional(Type.String()),
  defaultChatName: Type.Optional(Type.String()),
  defaultUserPasswordSet: Type.Optional(Type.Boolean()),
  requireTotpForAdmins: Type.Optional(Type.Boolean()),
});
export type TenantSettings = Static<typeof TenantSettings>;
export const SettingsReply = Type.Object({ settings: TenantSettings });
export type SettingsReply = Static<typeof SettingsReply>;

const UploadKey = Type.String({ minLength: 1, maxLength: 300 });
export const PatchSettingsBody = Type.Object(
  {
    appName: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    logoKey: Type.Optional(Type.Union([UploadKey, Type.Null()])),
    iconKey: Type.Optional(Type.Union([UploadKey, Type.Null()])),
    colors: Type.Optional(Type.Union([BrandColors, Type.Null()])),
    defaultChatName: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.nameMax })),
    registrationOpen: Type.Optional(Type.Boolean()),
    defaultUserPassword: Type.Optional(
      Type.Union([
        Type.String({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax }),
        Type.Null(),
      ]),
    ),
    aboutMarkdown: Type.Optional(Type.String({ maxLength: 20_000 })),
    helpMarkdown: Type.Optional(Type.String({ maxLength: 20_000 })),
    requireTotpForAdmins: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchSettingsBody = Static<typeof PatchSettingsBody>;

/** Web Push (docs/API.md "Notifications"). */
export const VapidKeyReply = Type.Object({ key: Type.String() });
export const PushSubscribeBody = Type.Object(
  {
    subscription: Type.Object(
      {
        endpoint: Type.String({ minLength: 1, maxLength: 2000 }),
        expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
        keys: Type.Object(
          {
            p256dh: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+=*$' }),
            auth: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+=*$' }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    device: Type.Optional(Type.Union([Type.Literal('mobile'), Type.Literal('desktop')])),
  },
  { additionalProperties: false },
);
export type PushSubscribeBody = Static<typeof PushSubscribeBody>;
export const PushUnsubscribeBody = Type.Object(
  { endpoint: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const PushSubscriptionsReply = Type.Object({
  subscriptions: Type.Array(
    Type.Object({
      userId: Type.Integer(),
      device: Type.String(),
      endpointHost: Type.String(),
      createdAt: Type.String(),
      lastSuccessAt: Type.Union([Type.String(), Type.Null()]),
      lastError: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
