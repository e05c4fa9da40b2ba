import type { TenantDb } from '@rosterchirp/db';
import { type Feature, type FeatureFlags, featureFlags, PLANS, type Plan } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from './app-error.ts';

/** Per-tenant settings in the tenant's `settings` table (docs/PRODUCT.md §8). */
export interface SettingValues {
  app_name: string;
  registration_open: boolean;
  /** Admins must turn on two-factor sign-in before they can do anything else. */
  require_totp_for_admins: boolean;
  default_chat_id: number;
  /** Branding (Brand plan): object keys of the uploads, and the two colours. */
  logo_key: string | null;
  icon_key: string | null;
  colors: { primary: string; accent: string } | null;
  /** The password people created or reset without one get (overrides USER_PASS). */
  default_user_password: string | null;
  about_markdown: string;
  help_markdown: string;
}

/** What the seed writes for a new tenant. */
export const DEFAULT_SETTINGS = {
  app_name: 'RosterChirp',
  registration_open: false,
  require_totp_for_admins: false,
} satisfies Partial<SettingValues>;

/** What an unset key reads as. */
const FALLBACKS: Omit<SettingValues, 'default_chat_id'> = {
  ...DEFAULT_SETTINGS,
  logo_key: null,
  icon_key: null,
  colors: null,
  default_user_password: null,
  about_markdown: '',
  help_markdown: '',
};

/** Settings, and the plan with its feature flags (docs/PRODUCT.md §1; self-hosted installs are Team). */
export function createSettingsService(deps: { stores: Pick<Stores, 'settings'> }) {
  const { settings } = deps.stores;

  async function settingOrDefault<K extends keyof typeof FALLBACKS>(db: TenantDb, key: K) {
    const stored = await settings.get(db, key);
    return (stored ?? FALLBACKS[key]) as SettingValues[K];
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

    /** Several settings (or their defaults) in one query. */
    async settingsOrDefaults<K extends keyof typeof FALLBACKS>(
      db: TenantDb,
      keys: readonly K[],
    ): Promise<{ [P in K]: SettingValues[P] }> {
      const stored = await settings.getMany(db, keys);
      return Object.fromEntries(keys.map((k) => [k, stored[k] ?? FALLBACKS[k]])) as {
        [P in K]: SettingValues[P];
      };
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
