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

export const SettingsReply = Type.Object({
  settings: Type.Object({
    appName: Type.String(),
    registrationOpen: Type.Boolean(),
    requireTotpForAdmins: Type.Optional(Type.Boolean()),
  }),
});
export type SettingsReply = Static<typeof SettingsReply>;
export const PatchSettingsBody = Type.Object(
  { registrationOpen: Type.Optional(Type.Boolean()), requireTotpForAdmins: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchSettingsBody = Static<typeof PatchSettingsBody>;
