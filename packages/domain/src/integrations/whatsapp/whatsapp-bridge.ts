import type { TenantDb } from '@rosterchirp/db';
import type { Contact } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import type { WASocket } from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import { AppError } from '../../app-error.ts';
import type { AuditService } from '../../audit-service.ts';
import { auditWho } from '../../audit-service.ts';
import type { Actor, DomainLogger } from '../../context.ts';
import type { GroupService } from '../../group-service.ts';
import type { MessageService } from '../../message-service.ts';
import { claimInbound, claimOutbound, postInbound } from '../bridge-conversations.ts';
import { inboundText, outboundContent, phoneToJid, type WaInbound } from './message-mapping.ts';
import { loadBaileys, usePostgresAuthState } from './postgres-auth-state.ts';

const STATE_KEY = 'integration_whatsapp';
/** Baileys' DisconnectReason.loggedOut: the phone unlinked this device. */
const LOGGED_OUT = 401;

export type WhatsappState = 'unlinked' | 'linking' | 'connected' | 'disconnected';

/** What the bridge uses of a Baileys socket. */
export type WhatsappSocket = Pick<WASocket, 'ev' | 'user' | 'sendMessage' | 'logout' | 'end'>;

/**
 * Opens a tenant's socket with its auth state; Baileys' `makeWASocket` unless a test passes a
 * stand-in (WhatsApp's servers are not reachable from the build machines).
 */
export type WhatsappSocketFactory = (opts: {
  auth: Awaited<ReturnType<typeof usePostgresAuthState>>['state'];
  logger?: never;
}) => Promise<WhatsappSocket>;

/** An outbound WhatsApp message, as another instance is asked to send it. */
export interface WhatsappSend {
  schema: string;
  jid: string;
  content: ReturnType<typeof outboundContent>;
}

/** What every instance can read about a tenant's link (the socket itself lives on one instance). */
interface LinkRecord {
  state: WhatsappState;
  qr: string | null;
  phone: string | null;
  updatedAt: string;
}

/**
 * The WhatsApp bridge (Baileys; docs/INTEGRATIONS.md "WhatsApp"): an admin links the tenant's
 * number by scanning a QR code; the socket runs on the instance that linked it, its auth state
 * in Postgres; contacts' messages land in one conversation per contact (like SMS) and replies
 * from there are sent back.
 */
export function createWhatsappBridge(deps: {
  stores: Pick<Stores, 'integrations' | 'settings' | 'users' | 'whatsappAuth'>;
  groups: GroupService;
  messages: MessageService;
  audit: AuditService;
  log: DomainLogger;
  openSocket?: WhatsappSocketFactory;
}) {
  const sockets = new Map<string, WhatsappSocket>();
  /**
   * Asks the other instances to send through the socket one of them holds (a relay job runs on
   * any instance; the socket lives on the one that linked): true when one did.
   */
  let forward: ((send: WhatsappSend) => Promise<boolean>) | undefined;
  const openSocket: WhatsappSocketFactory =
    deps.openSocket ??
    (async (opts) => {
      const { makeWASocket } = await loadBaileys();
      return makeWASocket({ ...opts, printQRInTerminal: false, markOnlineOnConnect: false });
    });
  /** Tenants whose link this instance keeps open (reconnects stop once unlinked or closed). */
  const wanted = new Set<string>();
  const { integrations } = deps.stores;

  const record = async (db: TenantDb, change: Partial<LinkRecord>) => {
    const prior = ((await deps.stores.settings.get(db, STATE_KEY)) as LinkRecord | null) ?? {
      state: 'unlinked',
      qr: null,
      phone: null,
      updatedAt: '',
    };
    await deps.stores.settings.set(db, STATE_KEY, {
      ...prior,
      ...change,
      updatedAt: new Date().toISOString(),
    });
  };

  async function receive(db: TenantDb, msg: WaInbound): Promise<void> {
    const inbound = inboundText(msg);
    if (!inbound) return;
    const contact = await claimInbound(deps.stores, db, 'whatsapp', {
      externalId: inbound.id,
      phone: inbound.phone,
      name: inbound.name ?? inbound.phone,
    });
    if (contact) await postInbound(deps, db, 'whatsapp', contact, inbound.id, inbound.text);
  }

  async function open(db: TenantDb): Promise<void> {
    const auth = await usePostgresAuthState(deps.stores.whatsappAuth, db, db.schema);
    const sock = await openSocket({
      auth: auth.state,
      // Baileys logs through pino: the app's logger (a pino) for this tenant, warnings and up.
      ...(quietLogger(deps.log, db.schema) ?? {}),
    });
    sockets.set(db.schema, sock);
    sock.ev.on(
      'creds.update',
      () =>
        void auth.saveCreds().catch((err: unknown) => deps.log.error({ err }, 'WhatsApp creds not saved')),
    );
    sock.ev.on('connection.update', (update) => {
      void (async () => {
        if (update.qr) await record(db, { state: 'linking', qr: await QRCode.toDataURL(update.qr) });
        if (update.connection === 'open') {
          await record(db, {
            state: 'connected',
            qr: null,
            phone: sock.user?.id ? `+${sock.user.id.split(/[:@]/)[0]}` : null,
          });
        }
        if (update.connection === 'close') {
          sockets.delete(db.schema);
          const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)
            ?.output?.statusCode;
          if (code === LOGGED_OUT) {
            wanted.delete(db.schema);
            await auth.clear();
            await record(db, { state: 'unlinked', qr: null, phone: null });
          } else {
            await record(db, { state: 'disconnected' });
            setTimeout(() => {
              if (!wanted.has(db.schema) || sockets.has(db.schema)) return;
              void open(db).catch((err: unknown) => deps.log.warn({ err }, 'WhatsApp reconnect failed'));
            }, 5000).unref();
          }
        }
      })().catch((err: unknown) => deps.log.error({ err }, 'WhatsApp connection update failed'));
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (type !== 'notify') return;
      for (const msg of messages) {
        void receive(db, msg as WaInbound).catch((err: unknown) =>
          deps.log.error({ err }, 'WhatsApp message not relayed'),
        );
      }
    });
  }

  async function sendHere(send: WhatsappSend): Promise<boolean> {
    const sock = sockets.get(send.schema);
    if (!sock) return false;
    await sock.sendMessage(send.jid, send.content);
    return true;
  }

  return {
    receive,

    /** Starts linking: the QR code appears in the status for the admin to scan. */
    async link(db: TenantDb, actor: Actor): Promise<void> {
      if (sockets.has(db.schema)) return;
      wanted.add(db.schema);
      await record(db, { state: 'linking', qr: null });
      await open(db);
      await deps.audit.record(db, auditWho(actor), {
        action: 'whatsapp.link_started',
        target: { type: 'integration', id: 'whatsapp' },
      });
    },

    async unlink(db: TenantDb, actor: Actor): Promise<void> {
      const sock = sockets.get(db.schema);
      wanted.delete(db.schema);
      sockets.delete(db.schema);
      await sock?.logout().catch(() => undefined);
      await deps.stores.whatsappAuth.clear(db, db.schema);
      await record(db, { state: 'unlinked', qr: null, phone: null });
      await deps.audit.record(db, auditWho(actor), {
        action: 'whatsapp.unlinked',
        target: { type: 'integration', id: 'whatsapp' },
      });
    },

    async status(db: TenantDb) {
      const rec = (await deps.stores.settings.get(db, STATE_KEY)) as LinkRecord | null;
      const last = await integrations.lastBridgeMessageAt(db, 'whatsapp');
      return {
        state: rec?.state ?? 'unlinked',
        qr: rec?.state === 'linking' ? rec.qr : null,
        phone: rec?.phone ?? null,
        lastMessageAt: last?.toISOString() ?? null,
        authRows: await deps.stores.whatsappAuth.count(db, db.schema),
      };
    },

    /** A person's reply in a bridged conversation (the relay job passes no other): sent once. */
    async relayOut(
      db: TenantDb,
      contact: Contact,
      message: { id: number; content: string; imageUrl: string | null },
    ): Promise<void> {
      const externalId = `out:${message.id}`;
      if (!(await claimOutbound(deps.stores, db, 'whatsapp', message.id))) return;
      const send: WhatsappSend = {
        schema: db.schema,
        jid: phoneToJid(contact.phones[0]!),
        content: outboundContent(message),
      };
      const sent = (await sendHere(send)) || ((await forward?.(send)) ?? false);
      if (!sent) {
        await integrations.setBridgeMessage(db, 'whatsapp', externalId, {
          status: 'failed',
          error: 'not connected on any instance',
        });
        throw new AppError('UNAVAILABLE', 'WhatsApp is not connected on any instance');
      }
      await integrations.setBridgeMessage(db, 'whatsapp', externalId, { status: 'done', error: null });
    },

    /** Sends through this instance's socket for the tenant, if it holds one (another instance's ask). */
    sendHere,

    /** How this instance asks the others (the server wires it to its instances' messaging). */
    forwardVia(ask: (send: WhatsappSend) => Promise<boolean>): void {
      forward = ask;
    },

    cleanup: (db: TenantDb) => deps.stores.whatsappAuth.deleteExpired(db, db.schema),

    close(): void {
      for (const sock of sockets.values()) sock.end(undefined);
      sockets.clear();
      wanted.clear();
    },
  };
}

export type WhatsappBridge = ReturnType<typeof createWhatsappBridge>;

/** The app's pino logger as Baileys' logger, warnings and up (its info lines are chatty). */
function quietLogger(log: DomainLogger, schema: string): { logger: never } | null {
  const child = (log as { child?: (b: object, o: object) => unknown }).child;
  return typeof child === 'function'
    ? { logger: child.call(log, { module: 'whatsapp', schema }, { level: 'warn' }) as never }
    : null;
}
