import type {
  Bot,
  CallReply,
  Contact,
  IncomingWebhook,
  IntegrationsOverview,
  OutgoingWebhook,
  WebhookDelivery,
} from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** docs/API.md "Integrations": bots, webhooks, the address book, the bridges, calls. */
export const integrationsApi = {
  overview: () => call<IntegrationsOverview>('GET', '/api/integrations'),
  bots: () => call<{ bots: Bot[] }>('GET', '/api/bots'),
  createBot: (name: string, scopes: string[]) =>
    call<{ bot: Bot; token: string }>('POST', '/api/bots', { name, scopes }),
  revokeBot: (id: number) => call<void>('DELETE', `/api/bots/${id}`),
  incoming: () => call<{ webhooks: IncomingWebhook[] }>('GET', '/api/integrations/incoming'),
  createIncoming: (groupId: number, name: string) =>
    call<{ webhook: IncomingWebhook & { url: string } }>('POST', '/api/integrations/incoming', {
      groupId,
      name,
    }),
  revokeIncoming: (id: number) => call<void>('DELETE', `/api/integrations/incoming/${id}`),
  outgoing: () => call<{ webhooks: OutgoingWebhook[] }>('GET', '/api/integrations/outgoing'),
  createOutgoing: (body: { url: string; events: string[]; groupIds?: number[] }) =>
    call<{ webhook: OutgoingWebhook }>('POST', '/api/integrations/outgoing', body),
  revokeOutgoing: (id: number) => call<void>('DELETE', `/api/integrations/outgoing/${id}`),
  deliveries: (id: number) =>
    call<{ deliveries: WebhookDelivery[] }>('GET', `/api/integrations/outgoing/${id}/deliveries`),
  contacts: () => call<{ contacts: Contact[] }>('GET', '/api/contacts'),
  createContact: (body: { name: string; phones: string[]; tags: string[] }) =>
    call<{ contact: Contact }>('POST', '/api/contacts', body),
  deleteContact: (id: number) => call<void>('DELETE', `/api/contacts/${id}`),
  configureSms: (body: { accountSid: string; authToken: string; fromNumber: string }) =>
    call<void>('PUT', '/api/integrations/sms', body),
  linkWhatsapp: () => call<void>('POST', '/api/integrations/whatsapp/link'),
  unlinkWhatsapp: () => call<void>('DELETE', '/api/integrations/whatsapp'),
  startCall: (groupId: number) => call<CallReply>('POST', `/api/groups/${groupId}/call`),
};
