import type { TenantDb } from '@rosterchirp/db';
import { type Feature, type FeatureFlags, featureFlags, PLANS, type Plan } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from './app-error.ts';

/** Per-tenant settings in the tenant's `settings` table (docs/PRODUCT.md §8). */
export interface SettingValues {
  app_name: string;
  registration_open: boolean;
  default_chat_id: number;
}

export const DEFAULT_SETTINGS: Omit<SettingValues, 'default_chat_id'> = {
  app_name: 'RosterChirp',
  registration_open: false,
};

/** Settings, and the plan with its feature flags (docs/PRODUCT.md §1; self-hosted installs are Team). */
export function createSettingsService(deps: { stores: Pick<Stores, 'settings'> }) {
  const { settings } = deps.stores;

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
