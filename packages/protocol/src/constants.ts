/**
 * Plain values shared by server, clients and load tests — no TypeBox here, so the browser's
 * entry (`client.ts`) can take them without the schema library.
 */

/** Request and response limits of docs/API.md. */
export const LIMITS = {
  contentMax: 4000,
  nameMax: 100,
  passwordMin: 8,
  passwordMax: 200,
  clientIdMax: 64,
  historyDefault: 50,
  historyMax: 100,
  changesDefault: 200,
  changesMax: 500,
  membersMax: 500,
} as const;

export const PLANS = ['chat', 'brand', 'team'] as const;

/** What the tenant audit log records (docs/API.md "Audit log"). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.password_changed',
  'auth.totp_enabled',
  'auth.totp_disabled',
  'user.created',
  'user.imported',
  'user.updated',
  'user.role_changed',
  'user.password_reset',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'settings.updated',
  'group.created',
  'group.deleted',
  'bot.created',
  'bot.revoked',
  'webhook.incoming_created',
  'webhook.incoming_revoked',
  'webhook.outgoing_created',
  'webhook.outgoing_revoked',
  'call.started',
  'sms.configured',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'whatsapp.link_started',
  'whatsapp.unlinked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A tenant's slug: its subdomain (`{slug}.{HOST_DOMAIN}`) and schema name. */
export const SLUG_PATTERN = '^[a-z][a-z0-9-]{1,30}$';
