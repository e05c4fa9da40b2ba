import type { TenantDb } from '@rosterchirp/db';
import { AppError } from './app-error.ts';

/** Plans and their feature flags (product.md §1). Self-hosted installs are Team. */
export type Plan = 'chat' | 'brand' | 'team';
export type Feature = 'feature_branding' | 'feature_group_manager' | 'feature_schedule_manager';

const PLAN_FEATURES: Record<Plan, Feature[]> = {
  chat: [],
  brand: ['feature_branding'],
  team: ['feature_branding', 'feature_group_manager', 'feature_schedule_manager'],
};

export async function planOf(db: TenantDb): Promise<Plan> {
  const { rows } = await db.query<{ value: unknown }>(
    `SELECT value FROM ${db.s}.settings WHERE key = 'plan'`,
  );
  const plan = rows[0]?.value;
  return plan === 'chat' || plan === 'brand' || plan === 'team' ? plan : 'team';
}

export async function features(db: TenantDb): Promise<Record<Feature, boolean>> {
  const on = new Set(PLAN_FEATURES[await planOf(db)]);
  return {
    feature_branding: on.has('feature_branding'),
    feature_group_manager: on.has('feature_group_manager'),
    feature_schedule_manager: on.has('feature_schedule_manager'),
  };
}

export async function requireFeature(db: TenantDb, feature: Feature): Promise<void> {
  if (!(await features(db))[feature]) {
    throw new AppError('FEATURE_DISABLED', 'This feature is not part of your plan', { feature });
  }
}
