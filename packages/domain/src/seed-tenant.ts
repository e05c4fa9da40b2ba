import type { TenantDb } from '@rosterchirp/db';
import type { Stores } from '@rosterchirp/store';
import type { AuditService } from './audit-service.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import { DEFAULT_SETTINGS } from './settings-service.ts';
import type { UserService } from './user-service.ts';

export interface SeedInput {
  admin: { email: string; name: string; password: string | undefined; resetPassword: boolean };
  defaultChatName: string;
}

export interface SeedResult {
  /** Set only when the admin was created (or reset) with a generated password: print it once. */
  generatedAdminPassword?: string;
  adminCreated: boolean;
}

const EVENT_TYPES: Array<[string, string]> = [
  ['Meeting', '#1a73e8'],
  ['Training', '#34a853'],
  ['Game', '#ea4335'],
  ['Social', '#a142f4'],
  ['Other', '#5f6368'],
];

/** First-start seed of docs/PRODUCT.md §1; safe to run on every start, by several instances at once. */
export function createSeedService(deps: {
  stores: Pick<Stores, 'settings' | 'users' | 'seed' | 'sessions'>;
  users: UserService;
  audit: AuditService;
}) {
  const { settings, users, seed, sessions } = deps.stores;
  return {
    async tenant(db: TenantDb, input: SeedInput): Promise<SeedResult> {
      for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) await settings.setIfAbsent(db, key, value);
      await seed.seedEventTypes(
        db,
        EVENT_TYPES.map(([name, colour]) => ({ name, colour })),
      );

      const result: SeedResult = { adminCreated: false };
      const existing = await users.byEmailWithHash(db, input.admin.email);
      if (!existing) {
        const password = input.admin.password ?? generatePassword();
        try {
          await deps.users.create(db, {
            email: input.admin.email,
            name: input.admin.name,
            password,
            role: 'admin',
          });
          result.adminCreated = true;
          if (!input.admin.password) result.generatedAdminPassword = password;
        } catch (err) {
          // Another instance seeded the admin at the same moment: fine.
          if ((err as { code?: string }).code !== 'CONFLICT') throw err;
        }
      } else if (input.admin.resetPassword) {
        // ADMPW_RESET: the way back in for an operator who lost the admin password. Whoever
        // held the old one is signed out; the audit log says it happened and why.
        const password = input.admin.password ?? generatePassword();
        const hash = await hashPassword(password);
        const id = existing.user.id;
        await deps.audit.within(
          db,
          { actorId: null, ip: null },
          async (tx) => {
            await users.setPassword(tx, id, hash, false);
            await users.setStatus(tx, id, 'active');
            return sessions.revokeAll(tx, id, 'password_reset');
          },
          () => ({
            action: 'user.password_reset',
            target: { type: 'user', id },
            details: { via: 'ADMPW_RESET' },
          }),
        );
        if (!input.admin.password) result.generatedAdminPassword = password;
      }

      if ((await settings.get(db, 'default_chat_id')) === undefined) {
        await seed.ensureDefaultChat(db, input.defaultChatName);
      }
      return result;
    },
  };
}

export type SeedService = ReturnType<typeof createSeedService>;
