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
  stores: Pick<Stores, 'groups' | 'integrations'>;
  messages: MessageService;
  audit: AuditService;
}) {
  return {
    enabled: deps.livekit !== null,

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
      // Announced once per ANNOUNCE_EVERY_MS, whichever instance is asked: the conversation says so.
      const marker = `#call:${groupId}`;
      if (!(await deps.stores.integrations.recentSystemLine(db, groupId, marker, ANNOUNCE_EVERY_MS))) {
        await deps.messages.postSystem(
          db,
          { id: groupId, type: access.type },
          `📞 ${user.displayName ?? user.name} started a call — ${marker}`,
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
