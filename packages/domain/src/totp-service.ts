import { createHash, randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { Stores } from '@rosterchirp/store';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { AppError } from './app-error.ts';
import { type AuditService, auditWho } from './audit-service.ts';
import type { Actor } from './context.ts';
import { verifyPassword } from './passwords.ts';

export interface TotpDeps {
  stores: Pick<Stores, 'totp' | 'users'>;
  audit: AuditService;
  /** The name authenticator apps show the account under (the workspace's name). */
  issuer: (db: TenantDb) => Promise<string>;
  now?: () => number;
}

/** One 30-second step either side of now: an authenticator's clock may be a little off. */
const CLOCK_SKEW_SECONDS = 30;
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A recovery code as typed (any case, with or without the dash) → its stored hash. */
export function hashRecoveryCode(code: string): string {
  const normal = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return createHash('sha256').update(normal).digest('hex');
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (let i = 0; i < 10; i++) {
    if (i === 5) out += '-';
    out += RECOVERY_ALPHABET[(bytes[i] as number) % RECOVERY_ALPHABET.length];
  }
  return out;
}

/**
 * Two-factor sign-in with TOTP (RFC 6238) through otplib: setup hands out a secret and its QR
 * code; a code confirms it; ten single-use recovery codes are shown once and kept hashed. A
 * code is accepted once (the step is recorded) with one step of clock skew either way.
 */
export function createTotpService(deps: TotpDeps) {
  const { totp } = deps.stores;
  const epoch = () => Math.floor((deps.now?.() ?? Date.now()) / 1000);

  /** True when `code` is the current code (±1 step) and not used before. */
  async function acceptCode(db: TenantDb, userId: number, secret: string, code: string): Promise<boolean> {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return false;
    const result = await verify({ secret, token, epoch: epoch(), epochTolerance: CLOCK_SKEW_SECONDS });
    if (!result.valid || !('epoch' in result)) return false;
    // The step the code belongs to (its period start / 30 s) is used once only.
    return totp.useStep(db, userId, Math.floor(result.epoch / 30));
  }

  return {
    async setup(db: TenantDb, actor: Actor): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
      if ((await totp.state(db, actor.user.id)).enabled) {
        throw new AppError('CONFLICT', 'Two-factor sign-in is already on; turn it off first to start again');
      }
      const secret = generateSecret();
      await totp.setPending(db, actor.user.id, secret);
      const otpauthUrl = generateURI({ issuer: await deps.issuer(db), label: actor.user.email, secret });
      const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 });
      return { secret, otpauthUrl, qrSvg };
    },

    async enable(db: TenantDb, actor: Actor, code: string): Promise<string[]> {
      const state = await totp.state(db, actor.user.id);
      if (state.enabled) throw new AppError('CONFLICT', 'Two-factor sign-in is already on');
      if (!state.secret) throw new AppError('CONFLICT', 'Start the setup first');
      if (!(await acceptCode(db, actor.user.id, state.secret, code))) {
        throw new AppError('VALIDATION_FAILED', 'That code is not right; check the time on your phone', {
          field: 'code',
        });
      }
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => totp.enable(tx, actor.user.id, codes.map(hashRecoveryCode)),
        () => ({ action: 'auth.totp_enabled', target: { type: 'user', id: actor.user.id } }),
      );
      return codes;
    },

    async disable(db: TenantDb, actor: Actor, password: string): Promise<void> {
      if (!(await verifyPassword(await deps.stores.users.passwordHash(db, actor.user.id), password))) {
        throw new AppError('FORBIDDEN', 'The password is incorrect', { field: 'password' });
      }
      if (!(await totp.state(db, actor.user.id)).enabled) return;
      await deps.audit.within(
        db,
        auditWho(actor),
        (tx) => totp.disable(tx, actor.user.id),
        () => ({ action: 'auth.totp_disabled', target: { type: 'user', id: actor.user.id } }),
      );
    },

    /** The second factor at sign-in: a current code or an unused recovery code. */
    async check(
      db: TenantDb,
      userId: number,
      proof: { totp?: string | undefined; recoveryCode?: string | undefined },
    ): Promise<'ok' | 'missing' | 'wrong'> {
      const state = await totp.state(db, userId);
      if (!state.enabled || !state.secret) return 'ok';
      if (proof.totp) return (await acceptCode(db, userId, state.secret, proof.totp)) ? 'ok' : 'wrong';
      if (proof.recoveryCode) {
        return (await totp.useRecoveryCode(db, userId, hashRecoveryCode(proof.recoveryCode)))
          ? 'ok'
          : 'wrong';
      }
      return 'missing';
    },

    recoveryCodesLeft: (db: TenantDb, userId: number) => totp.recoveryCodesLeft(db, userId),
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
