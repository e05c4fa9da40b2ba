import type { TenantDb } from '@rosterchirp/db';
import { type Feature, type FeatureFlags, featureFlags, PLANS, type Plan } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from './app-error.ts';
import { type AuditService, auditWho } from './audit-service.ts';
import type { Actor } from './context.ts';

/** Per-tenant settings in the tenant's `settings` table (docs/PRODUCT.md §8). */
export interface SettingValues {
  app_name: string;
  registration_open: boolean;
  /** Admins must turn on two-factor sign-in before they can do anything else. */
  require_totp_for_admins: boolean;
  default_chat_id: number;
}

export const DEFAULT_SETTINGS: Omit<SettingValues, 'default_chat_id'> = {
  app_name: 'RosterChirp',
  registration_open: false,
  require_totp_for_admins: false,
};

export interface TenantSettingsView {
  appName: string;
  registrationOpen: boolean;
  /** Admins only. */
  requireTotpForAdmins?: boolean;
}

/** Settings, and the plan with its feature flags (docs/PRODUCT.md §1; self-hosted installs are Team). */
export function createSettingsService(deps: { stores: Pick<Stores, 'settings'>; audit: AuditService }) {
  const { settings } = deps.stores;

  async function settingOrDefault<K extends keyof typeof DEFAULT_SETTINGS>(db: TenantDb, key: K) {
    const stored = await settings.get(db, key);
    return (stored ?? DEFAULT_SETTINGS[key]) as SettingValues[K];
  }

  async function plan(db: TenantDb): Promise<Plan> {
    const value = await settings.get(db, 'plan');
    return PLANS.includes(value as Plan) ? (value as Plan) : 'team';
  }

  async function features(db: TenantDb): Promise<FeatureFlags> {
    return featureFlags(await plan(db));
  }

  return {
    async get<K extends keyof SettingValues>(db: TenantDb, key: K): Promise<SettingValues[K] | undefined> {
      return (await settings.get(db, key)) as SettingValues[K] | undefined;
    },

    set: <K extends keyof SettingValues>(db: TenantDb, key: K, value: SettingValues[K]): Promise<void> =>
      settings.set(db, key, value),

    /** A setting's value, or its default when never set. */
    settingOrDefault,

    /** What everyone (signed in or not) may know, and what admins also see. */
    async view(db: TenantDb, forAdmin: boolean): Promise<TenantSettingsView> {
      const view: TenantSettingsView = {
        appName: await settingOrDefault(db, 'app_name'),
        registrationOpen: await settingOrDefault(db, 'registration_open'),
      };
      if (forAdmin) view.requireTotpForAdmins = await settingOrDefault(db, 'require_totp_for_admins');
      return view;
    },

    /** An admin's change: written with its audit entry (old and new values) in one transaction. */
    async update(
      db: TenantDb,
      actor: Actor,
      change: { registrationOpen?: boolean | undefined; requireTotpForAdmins?: boolean | undefined },
    ): Promise<TenantSettingsView> {
      const keys = {
        registrationOpen: 'registration_open',
        requireTotpForAdmins: 'require_totp_for_admins',
      } as const;
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      await deps.audit.within(
        db,
        auditWho(actor),
        async (tx) => {
          for (const [field, key] of Object.entries(keys) as Array<
            [keyof typeof keys, (typeof keys)[keyof typeof keys]]
          >) {
            const to = change[field];
            if (to === undefined) continue;
            const from = await settingOrDefault(tx, key);
            if (from === to) continue;
            await settings.set(tx, key, to);
            changed[field] = { from, to };
          }
        },
        () =>
          Object.keys(changed).length ? { action: 'settings.updated', target: null, details: changed } : null,
      );
      return this.view(db, true);
    },

    plan,
    features,
    setPlan: (db: TenantDb, value: Plan): Promise<void> => settings.set(db, 'plan', value),

    async requireFeature(db: TenantDb, feature: Feature): Promise<void> {
      if (!(await features(db))[feature]) {
        throw new AppError('FEATURE_DISABLED', 'This feature is not part of your plan', { feature });
      }
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
