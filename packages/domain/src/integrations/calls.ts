import type { TenantDb } from '@rosterchirp/db';
import type { User } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { AppError, invalid } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { groupAccess } from '../group-access.ts';
import type { MessageService } from '../message-service.ts';

export interface LiveKitConfig {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The call page opened with `?liveKitUrl=&token=` (LiveKit Meet, or your own). */
  meetUrl: string;
}

/** A call token lasts this long (joining later asks for a new one). */
const TOKEN_TTL_SECONDS = 6 * 3600;
/** A second "start" within this window joins the call without announcing it again. */
const ANNOUNCE_EVERY_MS = 10 * 60_000;

/**
 * Calls through LiveKit (docs/INTEGRATIONS.md "Calls"): one LiveKit room per conversation, named
 * by tenant and conversation, so a token for one can never open another's. Members only.
 */
export function createCalls(deps: {
  livekit: LiveKitConfig | null;
  stores: Pick<Stores, 'groups'>;
  messages: MessageService;
  audit: AuditService;
}) {
  const announced = new Map<string, number>();
  return {
    enabled: deps.livekit !== null,

    roomName: (schema: string, groupId: number) => `${schema}.group-${groupId}`,

    async join(db: TenantDb, user: User, groupId: number, ip: string | null) {
      const livekit = deps.livekit;
      if (!livekit) throw new AppError('FEATURE_DISABLED', 'Calls are not set up on this server');
      if (user.bot) throw new AppError('FORBIDDEN', 'Bots cannot join calls');
      const access = await groupAccess(deps.stores.groups, db, groupId, user);
      if (access.readonly && user.role !== 'admin')
        throw invalid('groupId', 'This conversation is read-only');
      const room = `${db.schema}.group-${groupId}`;
      // Loaded on the first call (≈19 MiB).
      const { AccessToken } = await import('livekit-server-sdk');
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, {
        identity: `${db.schema}:${user.id}`,
        name: user.displayName ?? user.name,
        ttl: TOKEN_TTL_SECONDS,
      });
      token.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
      const key = `${db.schema}:${groupId}`;
      const last = announced.get(key) ?? 0;
      if (Date.now() - last > ANNOUNCE_EVERY_MS) {
        announced.set(key, Date.now());
        await deps.messages.postSystem(
          db,
          { id: groupId, type: access.type },
          `📞 ${user.displayName ?? user.name} started a call — #call:${groupId}`,
        );
        await deps.audit.record(
          db,
          { actorId: user.id, ip },
          { action: 'call.started', target: { type: 'group', id: groupId } },
        );
      }
      const jwt = await token.toJwt();
      const joinUrl = `${livekit.meetUrl}?liveKitUrl=${encodeURIComponent(livekit.url)}&token=${encodeURIComponent(jwt)}`;
      return { url: livekit.url, room, token: jwt, joinUrl };
    },
  };
}

export type Calls = ReturnType<typeof createCalls>;
