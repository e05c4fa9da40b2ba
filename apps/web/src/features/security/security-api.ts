import type { TenantAuditReply } from '@rosterchirp/protocol/client';
import { call } from '../../lib/http.ts';

/** The tenant audit log. */
export const securityApi = {
  audit: (query: { before?: number; action?: string; actorId?: number }) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    return call<TenantAuditReply>('GET', `/api/audit?${q}`);
  },
};
