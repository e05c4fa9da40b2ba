import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@rosterchirp/db';
import {
  type CreateOutgoingBody,
  type Message,
  OUTGOING_EVENTS,
  type OutgoingEvent,
  type OutgoingPayload,
  type OutgoingWebhook,
} from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { invalid, notFound } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { auditWho } from '../audit-service.ts';
import type { Actor } from '../context.ts';
import { isPublicAddress } from '../link-preview/address-policy.ts';
import { postSigned } from './signed-post.ts';

export type WebhookOutcome = 'delivered' | 'failed' | 'refused';

export interface OutgoingOptions {
  /** Tests only: loopback and private targets allowed (OUTGOING_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  timeoutMs: number;
  onOutcome?: (outcome: WebhookOutcome) => void;
}

/**
 * Outgoing webhooks (docs/INTEGRATIONS.md): chosen events POSTed, signed, by the job system with
 * retries; every attempt is in the delivery log.
 */
export function createOutgoingWebhooks(deps: {
  stores: Pick<Stores, 'integrations' | 'groups'>;
  audit: AuditService;
  options: OutgoingOptions;
}) {
  const { integrations } = deps.stores;

  const assertTarget = (raw: string) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid('url', 'Give a full http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid('url', 'Only http and https URLs');
    if (url.username || url.password) throw invalid('url', 'Put credentials in the receiver, not the URL');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (
      !deps.options.allowPrivate &&
      (host === 'localhost' || (isIpLiteral(host) && !isPublicAddress(host)))
    ) {
      throw invalid('url', 'Webhooks may not target private, loopback or metadata addresses');
    }
    return url.toString();
  };

  return {
    async create(db: TenantDb, actor: Actor, body: CreateOutgoingBody): Promise<OutgoingWebhook> {
      const url = assertTarget(body.url);
      for (const groupId of body.groupIds ?? []) {
        const access = await deps.stores.groups.access(db, groupId, actor.user.id);
        if (!access || (access.type !== 'public' && !access.isMember)) {
          throw invalid('groupIds', `Conversation ${groupId} not found`);
        }
      }
      const secret = randomBytes(32).toString('hex');
      const hook = await integrations.insertOutgoing(db, {
        url,
        events: [...body.events],
        groupIds: body.groupIds && body.groupIds.length > 0 ? [...body.groupIds] : null,
        secret,
        createdBy: actor.user.id,
      });
      await deps.audit.record(db, auditWho(actor), {
        action: 'webhook.outgoing_created',
        target: { type: 'integration', id: hook.id },
        details: { url, events: body.events },
      });
      return { ...hook, secret };
    },

    list: (db: TenantDb) => integrations.listOutgoing(db),

    async revoke(db: TenantDb, actor: Actor, id: number): Promise<void> {
      if (!(await integrations.revokeOutgoing(db, id))) throw notFound('Webhook');
      await deps.audit.record(db, auditWho(actor), {
        action: 'webhook.outgoing_revoked',
        target: { type: 'integration', id },
      });
    },

    async deliveries(db: TenantDb, id: number) {
      if (!(await integrations.outgoingById(db, id))) throw notFound('Webhook');
      return integrations.deliveries(db, id, 100);
    },

    /**
     * The relay job's part for one message (a person's live message, loaded once by the job):
     * which webhooks want it (new message; a bot named in it), one delivery row each, then every
     * delivery not yet done is POSTed. Any failure left → the job is retried (backoff by the
     * queue); targets the policy refuses are not retried.
     */
    async deliver(db: TenantDb, message: Message): Promise<void> {
      const hooks = await integrations.outgoingFor(db, message.groupId);
      if (hooks.length === 0) return;
      const mentionedBots = hooks.some((h) => h.events.includes('mention'))
        ? await integrations.botHandles(db, message.mentions)
        : [];
      const wanted = hooks.flatMap((hook) =>
        OUTGOING_EVENTS.filter(
          (event) => hook.events.includes(event) && (event !== 'mention' || mentionedBots.length > 0),
        ).map((event) => ({ hook, event })),
      );
      if (wanted.length === 0) return;
      const groupName = (await integrations.conversationName(db, message.groupId)) ?? '';
      const hooksById = new Map(hooks.map((h) => [h.id, h]));
      const rows = await integrations.openDeliveries(
        db,
        wanted.map((w) => ({ webhookId: w.hook.id, event: w.event, messageId: message.id })),
      );
      let failed = 0;
      for (const row of rows) {
        if (row.status === 'delivered' || row.status === 'refused') continue;
        const hook = hooksById.get(row.webhookId);
        if (!hook) continue;
        const payload: OutgoingPayload = {
          event: row.event as OutgoingEvent,
          tenant: db.schema,
          message: {
            id: message.id,
            groupId: message.groupId,
            groupName,
            author: message.author
              ? { id: message.author.id, name: message.author.name, handle: message.author.handle }
              : null,
            content: message.content,
            mentions: message.mentions,
            createdAt: message.createdAt,
          },
          ...(row.event === 'mention' ? { bots: mentionedBots } : {}),
        };
        const outcome = await postSigned(hook.url, JSON.stringify(payload), hook.secret, {
          allowPrivate: deps.options.allowPrivate,
          timeoutMs: deps.options.timeoutMs,
        });
        const status = outcome.refused ? 'refused' : outcome.error ? 'failed' : 'delivered';
        await integrations.recordAttempt(db, row.id, {
          status,
          responseStatus: outcome.status || null,
          error: outcome.error,
        });
        deps.options.onOutcome?.(status);
        if (status === 'failed') failed++;
      }
      // A plain failure: the queue retries it with exponential backoff.
      if (failed > 0) throw new Error(`${failed} webhook deliveries failed`);
    },
  };
}

export type OutgoingWebhooks = ReturnType<typeof createOutgoingWebhooks>;

const isIpLiteral = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
