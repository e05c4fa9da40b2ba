export { AppError, forbidden, invalid, notFound } from './app-error.ts';
export { type AuthService, createAuthService, type SignedIn } from './auth-service.ts';
export type { Actor, DomainLogger } from './context.ts';
export { deviceClass } from './device.ts';
export { type GroupAccess, groupAccess, groupRoom } from './group-access.ts';
export { createGroupService, type GroupService, membershipText } from './group-service.ts';
export { baseHandle, extractMentions, uniqueHandle } from './handle.ts';
export { tenantHosts, toTenant } from './host/tenant-catalog.ts';
export { createTenantProvisioning, type TenantProvisioning } from './host/tenant-provisioning.ts';
export { postSigned, verifyWebhookSignature, webhookSignature } from './integrations/signed-post.ts';
export { inboundText, outboundContent } from './integrations/whatsapp/message-mapping.ts';
export { AUTH_KEY_TTL_MS, usePostgresAuthState } from './integrations/whatsapp/postgres-auth-state.ts';
export type {
  WhatsappSend,
  WhatsappSocket,
  WhatsappSocketFactory,
} from './integrations/whatsapp/whatsapp-bridge.ts';
export { isPublicAddress } from './link-preview/address-policy.ts';
export { extractMeta, firstUrl } from './link-preview/extract-meta.ts';
export { fetchPreview, PreviewRefused } from './link-preview/fetch-preview.ts';
export { createMessageService, type MessageService } from './message-service.ts';
export { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
export { createPinService, type PinService } from './pin-service.ts';
export { createPresenceService, type PresenceService } from './presence-service.ts';
export type { PushKeys, PushService } from './push-service.ts';
export { createReactionService, isEmoji, type ReactionService } from './reaction-service.ts';
export { createScheduleService, type ScheduleService } from './schedule/schedule-service.ts';
export { createSearchService, type SearchService, searchTerms } from './search-service.ts';
export { createSeedService, type SeedInput, type SeedResult, type SeedService } from './seed-tenant.ts';
export { createServices, type ServiceDeps, type Services } from './services.ts';
export { createSettingsService, type SettingsService } from './settings-service.ts';
export { createThumbnailService, makeThumbnail, THUMB_WIDTH } from './thumbnail-service.ts';
export { createTokenSigner, type TokenClaims, type TokenSigner } from './tokens.ts';
export {
  createUserGroupService,
  type DmRule,
  type UserGroup,
  type UserGroupService,
} from './user-group-service.ts';
export { createUserService, type UserService } from './user-service.ts';
