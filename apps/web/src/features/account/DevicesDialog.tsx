import type { SessionInfo } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../../ui/Dialog.tsx';
import { accountApi } from './account-api.ts';

/** A readable name for a session's browser or app, from its User-Agent. */
function describe(session: SessionInfo): string {
  const ua = session.userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'App';
  const system = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return `${browser}${system ? ` on ${system}` : ''} · ${session.device === 'mobile' ? 'phone' : 'desktop'}`;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Where am I signed in": each live session, and "Sign out" for the others (live, everywhere). */
export function DevicesDialog(props: { onClose: () => void }) {
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    accountApi
      .sessions()
      .then(({ sessions: list }) => setSessions(list))
      .catch((err: Error) => setError(err.message));
  useEffect(() => {
    void load();
  }, []);

  async function signOut(id: string) {
    try {
      await accountApi.endSession(id);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <Dialog label="Signed-in devices" title="Where you're signed in" onClose={props.onClose}>
      <p class="dialog__hint">
        One phone and one computer can be signed in at a time. Signing a device out closes it at once.
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions === null && !error && <p class="dialog__hint">Loading…</p>}
      <ul class="devices">
        {sessions?.map((s) => (
          <li key={s.id} class="ug-row">
            <span class="devices__what">
              <strong>{describe(s)}</strong>
              <small>
                {s.current ? 'This device' : `Last active ${when(s.lastSeenAt)}`} · signed in{' '}
                {when(s.createdAt)}
              </small>
            </span>
            {!s.current && (
              <button type="button" class="link-btn link-btn--danger" onClick={() => void signOut(s.id)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
