import type { TenantDb } from '@rosterchirp/db';
import { type Feature, type FeatureFlags, featureFlags, PLANS, type Plan } from '@rosterchirp/protocol';
import { AppError } from './app-error.ts';

/** A tenant's plan lives in its `settings` (docs/PRODUCT.md §1); self-hosted installs are Team. */
export async function planOf(db: TenantDb): Promise<Plan> {
  const { rows } = await db.query<{ value: unknown }>(
    `SELECT value FROM ${db.s}.settings WHERE key = 'plan'`,
  );
  const plan = rows[0]?.value;
  return PLANS.includes(plan as Plan) ? (plan as Plan) : 'team';
}

export async function features(db: TenantDb): Promise<FeatureFlags> {
  return featureFlags(await planOf(db));
}

export async function requireFeature(db: TenantDb, feature: Feature): Promise<void> {
  if (!(await features(db))[feature]) {
    throw new AppError('FEATURE_DISABLED', 'This feature is not part of your plan', { feature });
  }
}
