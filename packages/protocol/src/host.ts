import { type Static, Type } from '@sinclair/typebox';
import { SLUG_PATTERN } from './constants.ts';

/** Host control plane (docs/API.md "Host control plane") and plans (docs/PRODUCT.md §1). */
export const Plan = Type.Union([Type.Literal('chat'), Type.Literal('brand'), Type.Literal('team')]);
export type Plan = Static<typeof Plan>;

export const FEATURES = ['feature_branding', 'feature_group_manager', 'feature_schedule_manager'] as const;
export type Feature = (typeof FEATURES)[number];
export type FeatureFlags = Record<Feature, boolean>;

export const PLAN_FEATURES: Record<Plan, readonly Feature[]> = {
  chat: [],
  brand: ['feature_branding'],
  team: FEATURES,
};

export function featureFlags(plan: Plan): FeatureFlags {
  const on = new Set(PLAN_FEATURES[plan]);
  return Object.fromEntries(FEATURES.map((f) => [f, on.has(f)])) as FeatureFlags;
}

export const FeatureFlagsSchema = Type.Object({
  feature_branding: Type.Boolean(),
  feature_group_manager: Type.Boolean(),
  feature_schedule_manager: Type.Boolean(),
});
export const FeaturesReply = Type.Object({
  plan: Plan,
  features: FeatureFlagsSchema,
  /** Calls are set up on this server (LiveKit): conversations show "Start a call". */
  calls: Type.Optional(Type.Boolean()),
});
export type FeaturesReply = Static<typeof FeaturesReply>;

/** `[a-z][a-z0-9-]{1,30}` (docs/PRODUCT.md §1). */
/** A lower-case DNS name with at least one dot, e.g. chat.acme.com. */
export const DOMAIN_PATTERN = '^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$';

const Slug = Type.String({ pattern: SLUG_PATTERN });
const TenantName = Type.String({ minLength: 1, maxLength: 100 });
export const TenantStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);

export const Tenant = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  plan: Plan,
  status: Type.String(),
  customDomain: Type.Union([Type.String(), Type.Null()]),
  schema: Type.String(),
  shard: Type.String(),
  /** Where people sign in: `https://{slug}.{HOST_DOMAIN}` (or the custom domain). */
  url: Type.String(),
  createdAt: Type.String(),
});
export type Tenant = Static<typeof Tenant>;

export const TenantsReply = Type.Object({ tenants: Type.Array(Tenant) });

/** The database clusters tenants live on (SHARDS; `main` first) and how many each holds. */
export const ShardsReply = Type.Object({
  shards: Type.Array(Type.Object({ name: Type.String(), tenants: Type.Integer() })),
});
export type ShardsReply = Static<typeof ShardsReply>;

export const MoveTenantBody = Type.Object(
  { shard: Type.String({ minLength: 1, maxLength: 31, pattern: '^[a-z][a-z0-9_-]*$' }) },
  { additionalProperties: false },
);
export type MoveTenantBody = Static<typeof MoveTenantBody>;
export const MoveTenantReply = Type.Object({
  tenant: Tenant,
  move: Type.Object({
    from: Type.String(),
    to: Type.String(),
    tables: Type.Integer(),
    rows: Type.Integer(),
    /** How long writes waited (reads went on). */
    readOnlyMs: Type.Integer(),
    totalMs: Type.Integer(),
  }),
});
export type MoveTenantReply = Static<typeof MoveTenantReply>;
export const TenantReply = Type.Object({ tenant: Tenant });

export const CreateTenantBody = Type.Object(
  {
    slug: Slug,
    name: TenantName,
    plan: Plan,
    adminEmail: Type.String({ format: 'email', maxLength: 254 }),
    adminName: Type.String({ minLength: 1, maxLength: 100 }),
    adminPassword: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;
export const CreateTenantReply = Type.Object({ tenant: Tenant, adminPassword: Type.String() });

export const PatchTenantBody = Type.Object(
  {
    name: Type.Optional(TenantName),
    plan: Type.Optional(Plan),
    status: Type.Optional(TenantStatus),
    /** null removes the custom domain. */
    customDomain: Type.Optional(Type.Union([Type.String({ pattern: DOMAIN_PATTERN }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchTenantBody = Static<typeof PatchTenantBody>;

export const SlugParams = Type.Object({ slug: Slug });
export const DomainCheckQuery = Type.Object(
  { domain: Type.String({ minLength: 1, maxLength: 253 }) },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object({
  at: Type.String(),
  action: Type.String(),
  slug: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN })),
  },
  { additionalProperties: false },
);
export const AuditReply = Type.Object({ entries: Type.Array(AuditEntry) });
