import { ApiError } from '../../lib/http.ts';
import { integrationsApi } from './integrations-api.ts';

/**
 * Joins (or starts) the conversation's call: asks for this person's LiveKit token and opens the
 * call page in a new tab. The tab is opened before the request so popup blockers allow it.
 */
export async function startCall(groupId: number, notify: (text: string) => void): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const { joinUrl } = await integrationsApi.startCall(groupId);
    if (tab) {
      tab.opener = null;
      tab.location.href = joinUrl;
    } else {
      location.assign(joinUrl);
    }
  } catch (err) {
    tab?.close();
    notify(err instanceof ApiError ? err.message : 'Could not start the call');
  }
}

/** `#call:12` — the join link in a "started a call" message. */
export function callFromHash(hash: string): number | null {
  const m = /^#call:(\d+)$/.exec(hash);
  return m ? Number(m[1]) : null;
}
