import { type Actor, AppError } from '@rosterchirp/domain';
import type { BotScope } from '@rosterchirp/protocol';

/**
 * What a bot's token may do (docs/INTEGRATIONS.md): `read` — every GET a member may make and the
 * realtime stream; `post` — sending messages (REST, stream, socket). Nothing else: a bot never
 * administers, edits, reacts or changes its account.
 */
const POST_ROUTES = new Set(['POST /api/groups/:id/messages']);
const REALTIME_ROUTES = new Set(['GET /api/stream']);

export function assertBotMay(actor: Actor, scope: BotScope): void {
  const { user } = actor;
  if (!user.bot) return;
  if (!user.botScopes?.includes(scope)) {
    throw new AppError('FORBIDDEN', `This bot's token does not have the "${scope}" scope`, { scope });
  }
}

/** The scope a bot needs for a route, or null when bots may not use it at all. */
export function scopeForRoute(method: string, route: string): BotScope | null {
  const key = `${method} ${route}`;
  if (POST_ROUTES.has(key)) return 'post';
  if (REALTIME_ROUTES.has(key) || method === 'GET' || method === 'HEAD') return 'read';
  return null;
}

export function assertBotRoute(actor: Actor, method: string, route: string): void {
  if (!actor.user.bot) return;
  const scope = scopeForRoute(method, route);
  if (!scope) throw new AppError('FORBIDDEN', 'Bots may only read and post messages');
  assertBotMay(actor, scope);
}
