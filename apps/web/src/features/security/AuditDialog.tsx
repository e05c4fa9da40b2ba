import { AUDIT_ACTIONS, type TenantAuditEntry } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import type { ChatClient } from '../chat/chat-client.ts';
import { PushDevices } from '../notifications/PushDevices.tsx';
import { settingsApi } from '../settings/settings-api.ts';
import { securityApi } from './security-api.ts';

/** "Nov 30, 12:54 PM" — the year only when it is not this one. */
const when = (iso: string) => {
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }),
  });
};

/** One line in words: "Ada Admin suspended user 12 (bob@…)". */
function summary(e: TenantAuditEntry): string {
  const d = e.details as Record<string, unknown>;
  const about =
    typeof d.email === 'string' ? ` · ${d.email}` : typeof d.name === 'string' ? ` · ${d.name}` : '';
  if (e.action === 'user.role_changed') return `role ${String(d.from)} → ${String(d.to)}`;
  if (e.action === 'auth.login_failed') return `${String(d.reason)}${about}`;
  if (e.action === 'settings.updated') return Object.keys(d).join(', ');
  return `${e.target ? `${e.target.type} ${e.target.id}` : ''}${about}`;
}

/**
 * Security for admins: the organisation's two-factor rule and the audit log — newest first,
 * filtered by action or person, new entries arriving live.
 */
export function AuditDialog(props: { client: ChatClient; onClose: () => void }) {
  const [entries, setEntries] = useState<TenantAuditEntry[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [action, setAction] = useState('');
  const [actor, setActor] = useState<{ id: number; name: string } | null>(null);
  const [requireTotp, setRequireTotp] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failed = (err: unknown) => setError(err instanceof ApiError ? err.message : 'That did not work');
  const query = { action: action || undefined, actorId: actor?.id };

  const load = (before?: number) =>
    securityApi.audit({ ...query, before }).then((page) => {
      setEntries((old) => (before ? [...old, ...page.entries] : page.entries));
      setHasMore(page.hasMore);
    }, failed);

  useEffect(() => {
    void load();
  }, [action, actor?.id]);

  useEffect(() => {
    settingsApi
      .settings()
      .then(({ settings }) => setRequireTotp(settings.requireTotpForAdmins ?? false), failed);
  }, []);

  useEffect(
    () =>
      props.client.on('audit:new', ({ entry }) => {
        if (query.action && entry.action !== query.action) return;
        if (query.actorId && entry.actor?.id !== query.actorId) return;
        setEntries((old) => (old.some((e) => e.id === entry.id) ? old : [entry, ...old]));
      }),
    [action, actor?.id],
  );

  return (
    <Dialog label="Security" title="Security and audit log" onClose={props.onClose}>
      <label class="toggle-row">
        <input
          type="checkbox"
          checked={requireTotp ?? false}
          disabled={requireTotp === null}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            settingsApi
              .update({ requireTotpForAdmins: on })
              .then(({ settings }) => setRequireTotp(settings.requireTotpForAdmins ?? on), failed);
          }}
        />
        Admins must use two-factor sign-in
      </label>
      <PushDevices />
      <div class="audit__filters">
        <select aria-label="Action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        {actor && (
          <button type="button" class="chip" onClick={() => setActor(null)} aria-label="Clear person filter">
            {actor.name} ×
          </button>
        )}
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <ul class="audit" aria-label="Audit log">
        {entries.map((e) => (
          <li key={e.id} class="audit__row">
            <time dateTime={e.at}>{when(e.at)}</time>
            <strong class="audit__action">{e.action}</strong>
            {e.actor ? (
              <button type="button" class="link-btn" onClick={() => setActor(e.actor)}>
                {e.actor.name}
              </button>
            ) : (
              <span class="audit__nobody">nobody signed in</span>
            )}
            <span class="audit__what">{summary(e)}</span>
            {e.ip && <small class="audit__ip">{e.ip}</small>}
          </li>
        ))}
        {entries.length === 0 && <li class="dialog__hint">Nothing recorded yet.</li>}
      </ul>
      {hasMore && (
        <button type="button" class="btn" onClick={() => void load(entries.at(-1)?.id)}>
          Older
        </button>
      )}
    </Dialog>
  );
}
