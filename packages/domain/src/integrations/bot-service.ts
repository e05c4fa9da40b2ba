import type { TenantDb } from '@rosterchirp/db';
import type { Bot, CreateBotBody } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { notFound } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { auditWho } from '../audit-service.ts';
import type { AuthService } from '../auth-service.ts';
import type { Actor } from '../context.ts';
import { createBotUser } from './bot-users.ts';

/** Bot accounts with scoped tokens (docs/INTEGRATIONS.md "Bots"). Admins only (the route says so). */
export function createBotService(deps: {
  stores: Pick<Stores, 'users' | 'integrations'>;
  auth: AuthService;
  audit: AuditService;
}) {
  return {
    async create(db: TenantDb, actor: Actor, body: CreateBotBody): Promise<{ bot: Bot; token: string }> {
      const user = await createBotUser(deps.stores, db, {
        name: body.name.trim(),
        scopes: [...body.scopes].sort(),
        kind: 'token',
        createdBy: actor.user.id,
      });
      const { token } = await deps.auth.issueBotToken(db, user);
      await deps.audit.record(db, auditWho(actor), {
        action: 'bot.created',
        target: { type: 'user', id: user.id },
        details: { name: user.name, scopes: user.botScopes },
      });
      const bot = (await deps.stores.integrations.botById(db, user.id))!;
      return { bot, token };
    },

    list: (db: TenantDb) => deps.stores.integrations.listBots(db, 'token'),

    /** Its token stops working at once and its live connections close, on every instance. */
    async revoke(db: TenantDb, actor: Actor, botId: number): Promise<void> {
      if (!(await deps.stores.integrations.revokeBot(db, botId, 'token'))) throw notFound('Bot');
      await deps.auth.revokeSessions(db, botId, 'suspended');
      await deps.audit.record(db, auditWho(actor), {
        action: 'bot.revoked',
        target: { type: 'user', id: botId },
      });
    },
  };
}

export type BotService = ReturnType<typeof createBotService>;
