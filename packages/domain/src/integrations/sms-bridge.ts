import type { TenantDb } from '@rosterchirp/db';
import type { Contact, SmsSettingsBody } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { auditWho } from '../audit-service.ts';
import type { Actor, DomainLogger } from '../context.ts';
import type { GroupService } from '../group-service.ts';
import type { MessageService } from '../message-service.ts';
import { claimInbound, claimOutbound, postInbound } from './bridge-conversations.ts';

const SETTINGS_KEY = 'integration_sms';
/** Carrier opt-out keywords (what Twilio's Advanced Opt-Out recognises). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START_WORDS = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);

export type SmsOutcome = 'received' | 'duplicate' | 'bad_signature' | 'sent' | 'send_failed' | 'opted_out';

interface SmsConfig {
  accountSid: string;
  authToken: string;
  fromNumber: string;
}

/**
 * The SMS bridge (Twilio-compatible; docs/INTEGRATIONS.md "SMS"): inbound texts land in one
 * conversation per contact, replies from that conversation go out through the REST API.
 */
export function createSmsBridge(deps: {
  stores: Pick<Stores, 'integrations' | 'settings' | 'users' | 'groups'>;
  messages: MessageService;
  groups: GroupService;
  audit: AuditService;
  log: DomainLogger;
  /** Base of the Twilio REST API (a local stand-in in tests). */
  apiUrl: string;
  onOutcome?: (outcome: SmsOutcome) => void;
}) {
  const { integrations } = deps.stores;
  const count = (o: SmsOutcome) => deps.onOutcome?.(o);
  const config = async (db: TenantDb) =>
    ((await deps.stores.settings.get(db, SETTINGS_KEY)) as SmsConfig | undefined) ?? null;

  return {
    async configure(db: TenantDb, actor: Actor, body: SmsSettingsBody): Promise<void> {
      await deps.stores.settings.set(db, SETTINGS_KEY, body);
      await deps.audit.record(db, auditWho(actor), {
        action: 'sms.configured',
        target: { type: 'settings', id: SETTINGS_KEY },
        details: { accountSid: body.accountSid, fromNumber: body.fromNumber },
      });
    },

    async status(db: TenantDb) {
      const cfg = await config(db);
      return { configured: cfg !== null, fromNumber: cfg?.fromNumber ?? null };
    },

    /**
     * A Twilio webhook: the signature over the URL Twilio called and its form fields must match
     * the tenant's auth token (else FORBIDDEN, nothing stored); a MessageSid seen before is
     * ignored; STOP/START words switch the contact's opt-out.
     */
    async inbound(
      db: TenantDb,
      req: { url: string; signature: string | undefined; params: Record<string, string> },
    ): Promise<'ok' | 'duplicate'> {
      const cfg = await config(db);
      // Loaded on the first inbound text (the library is ≈24 MiB; only its validator is used).
      const twilio = (await import('twilio')).default;
      if (
        !cfg ||
        !req.signature ||
        !twilio.validateRequest(cfg.authToken, req.signature, req.url, req.params)
      ) {
        count('bad_signature');
        throw new AppError('FORBIDDEN', 'The request signature is not valid');
      }
      const sid = req.params.MessageSid ?? req.params.SmsSid;
      const from = req.params.From;
      if (!sid || !from || !/^\+[1-9]\d{6,14}$/.test(from)) {
        throw new AppError('VALIDATION_FAILED', 'MessageSid and an E.164 From are required', {
          field: sid ? 'From' : 'MessageSid',
        });
      }
      const contact = await claimInbound(deps.stores, db, 'sms', {
        externalId: sid,
        phone: from,
        name: from,
      });
      if (!contact) {
        count('duplicate');
        return 'duplicate';
      }
      const body = (req.params.Body ?? '').trim();
      const keyword = body.toUpperCase();
      let text = body;
      if (STOP_WORDS.has(keyword)) {
        await integrations.setSmsOptOut(db, contact.id, true);
        text = `${body}\n\n_${contact.name} opted out of SMS: replies will not be sent until they text START._`;
      } else if (START_WORDS.has(keyword)) {
        await integrations.setSmsOptOut(db, contact.id, false);
        text = `${body}\n\n_${contact.name} opted back in to SMS._`;
      }
      const media = Number(req.params.NumMedia ?? 0);
      for (let i = 0; i < Math.min(media, 10); i++) {
        const url = req.params[`MediaUrl${i}`];
        if (url) text += `\n${url}`;
      }
      await postInbound(deps, db, 'sms', contact, sid, text === '' ? '(empty text)' : text);
      count('received');
      return 'ok';
    },

    /** A person's reply in a bridged conversation (the relay job passes no other): sent as a text, once. */
    async relayOut(db: TenantDb, contact: Contact, message: { id: number; content: string }): Promise<void> {
      const cfg = await config(db);
      if (!cfg) return;
      const externalId = `out:${message.id}`;
      if (!(await claimOutbound(deps.stores, db, 'sms', message.id))) return;
      // Whoever replied is told in the conversation when a text could not go out.
      const note = (text: string) =>
        contact.groupId
          ? deps.messages.postSystem(db, { id: contact.groupId, type: 'private' }, text).then(() => undefined)
          : Promise.resolve();
      if (contact.smsOptedOut) {
        await integrations.setBridgeMessage(db, 'sms', externalId, { status: 'opted_out' });
        count('opted_out');
        await note(`📵 Not sent by SMS: ${contact.name} opted out (they can text START to opt back in).`);
        return;
      }
      const to = contact.phones[0]!;
      const res = await fetch(
        `${deps.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}/Messages.json`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ To: to, From: cfg.fromNumber, Body: message.content.slice(0, 1600) }),
          signal: AbortSignal.timeout(10_000),
        },
      ).catch((err: Error) => err);
      if (res instanceof Error || !res.ok) {
        const error =
          res instanceof Error ? res.message : `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
        count('send_failed');
        // A 4xx will not get better (bad number, opted out at the carrier): settled, no retry.
        if (res instanceof Error || res.status >= 500 || res.status === 429) {
          await integrations.setBridgeMessage(db, 'sms', externalId, { status: 'failed', error });
          throw new Error(`SMS send failed: ${error}`);
        }
        await integrations.setBridgeMessage(db, 'sms', externalId, { status: 'rejected', error });
        await note(`⚠️ Not sent by SMS: the provider refused it (${error.slice(0, 120)}).`);
        return;
      }
      await integrations.setBridgeMessage(db, 'sms', externalId, { status: 'done', error: null });
      count('sent');
    },
  };
}

export type SmsBridge = ReturnType<typeof createSmsBridge>;
