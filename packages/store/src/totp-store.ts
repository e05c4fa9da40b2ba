import type { TenantDb } from '@rosterchirp/db';

export interface TotpState {
  /** Set at setup; null when two-factor is off. */
  secret: string | null;
  enabled: boolean;
}

/** Two-factor sign-in: a user's TOTP secret, last accepted step, and hashed recovery codes. */
export interface TotpStore {
  state(db: TenantDb, userId: number): Promise<TotpState>;
  /** A new secret, not active until `enable` (replaces an unconfirmed one). */
  setPending(db: TenantDb, userId: number, secret: string): Promise<void>;
  /** Turns two-factor on and replaces the recovery codes with these hashes. */
  enable(db: TenantDb, userId: number, codeHashes: string[]): Promise<void>;
  /** Turns it off: secret and recovery codes gone. */
  disable(db: TenantDb, userId: number): Promise<void>;
  /** Records `step` as used; false when that step (or a later one) was already used. */
  useStep(db: TenantDb, userId: number, step: number): Promise<boolean>;
  /** Marks an unused recovery code used; false when there is no such unused code. */
  useRecoveryCode(db: TenantDb, userId: number, codeHash: string): Promise<boolean>;
  /** Unused recovery codes left. */
  recoveryCodesLeft(db: TenantDb, userId: number): Promise<number>;
}
