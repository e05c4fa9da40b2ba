import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import type { CreateIncomingBody, IncomingHookBody, IncomingWebhook } from '@rosterchirp/protocol';
import { LIMITS } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError, invalid, notFound } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { auditWho } from '../audit-service.ts';
import type { Actor } from '../context.ts';
import type { GroupService } from '../group-service.ts';
import type { MessageService } from '../message-service.ts';
import { createBotUser } from './bot-users.ts';
import { slackText } from './slack-text.ts';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Incoming webhooks (docs/INTEGRATIONS.md): a secret URL that posts Slack-shaped bodies into
 * one conversation as a named bot. Only the secret's hash is stored: the URL is shown once.
 */
export function createIncomingWebhooks(deps: {
  stores: Pick<Stores, 'users' | 'integrations' | 'groups'>;
  groups: GroupService;
  messages: MessageService;
  audit: AuditService;
  /** posted, unknown, invalid, too_large, rate_limited, failed (rosterchirp_incoming_webhook_requests_total). */
  onOutcome?: (outcome: string) => void;
}) {
  const { integrations } = deps.stores;
  return {
    async create(
      db: TenantDb,
      actor: Actor,
      body: CreateIncomingBody,
      baseUrl: string,
    ): Promise<IncomingWebhook & { url: string }> {
      const access = await deps.stores.groups.access(db, body.groupId, actor.user.id);
      if (!access || (access.type !== 'public' && !access.isMember)) throw notFound('Conversation');
      if (access.type === 'direct')
        throw invalid('groupId', 'Webhooks post into channels and groups, not direct messages');
      const name = body.name.trim();
      const bot = await createBotUser(deps.stores, db, {
        name,
        scopes: ['post'],
        kind: 'webhook',
        createdBy: actor.user.id,
      });
      // A private conversation's webhook posts as one of its members.
      if (access.type !== 'public') await deps.stores.groups.addMembers(db, body.groupId, [bot.id]);
      const secret = randomBytes(24).toString('base64url');
      const hook = await integrations.insertIncoming(db, {
        groupId: body.groupId,
        name,
        secretHash: hashSecret(secret),
        botUserId: bot.id,
        createdBy: actor.user.id,
      });
      await deps.audit.record(db, auditWho(actor), {
        action: 'webhook.incoming_created',
        target: { type: 'group', id: body.groupId },
        details: { webhookId: hook.id, name },
      });
      return { ...hook, url: `${baseUrl}/hooks/incoming/${secret}` };
    },

    list: (db: TenantDb) => integrations.listIncoming(db),

    async revoke(db: TenantDb, actor: Actor, id: number): Promise<void> {
      const botUserId = await integrations.revokeIncoming(db, id);
      if (botUserId === null) throw notFound('Webhook');
      await integrations.revokeBot(db, botUserId, 'webhook');
      await deps.audit.record(db, auditWho(actor), {
        action: 'webhook.incoming_revoked',
        target: { type: 'integration', id },
      });
    },

    /** The webhook a secret names (null: unknown or revoked). */
    find: (db: TenantDb, secret: string) =>
      secret.length > 200 ? Promise.resolve(null) : integrations.incomingBySecret(db, hashSecret(secret)),

    /** How a request to a hook URL ended, by its answer's status (counted for /metrics). */
    answered(status: number): void {
      const outcome =
        {
          200: 'posted',
          400: 'invalid',
          404: 'unknown',
          413: 'too_large',
          415: 'invalid',
          429: 'rate_limited',
        }[status] ?? 'failed';
      deps.onOutcome?.(outcome);
    },

    /** Posts a Slack-shaped body; returns the new message's id. */
    async post(db: TenantDb, hookId: number, botUserId: number, groupId: number, body: IncomingHookBody) {
      const text = slackText(body);
      if (text === '') throw invalid('text', 'Give text (or attachments or blocks with text)');
      if (text.length > LIMITS.contentMax) {
        throw new AppError('TOO_LARGE', `At most ${LIMITS.contentMax} characters of text`, { field: 'text' });
      }
      const icon = body.icon_url && /^https:\/\//.test(body.icon_url) ? body.icon_url : null;
      const bot = await deps.stores.users.byId(db, botUserId);
      if (bot?.status !== 'active') throw notFound('Webhook');
      const { message } = await deps.messages.send(
        db,
        bot,
        groupId,
        { clientId: randomUUID(), content: text },
        { name: body.username?.trim() || null, icon },
      );
      await integrations.touchIncoming(db, hookId);
      return message.id;
    },
  };
}

export type IncomingWebhooks = ReturnType<typeof createIncomingWebhooks>;
