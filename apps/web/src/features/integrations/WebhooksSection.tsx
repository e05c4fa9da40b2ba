import type { Group, IncomingWebhook, OutgoingWebhook, WebhookDelivery } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { useConfirm } from '../../ui/confirm.tsx';
import { FormMessage } from '../../ui/FormMessage.tsx';
import { useAction } from '../../ui/use-action.ts';
import { integrationsApi } from './integrations-api.ts';
import { ShownOnce } from './ShownOnce.tsx';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** Incoming webhooks (a secret URL per conversation) and outgoing ones with their delivery log. */
export function WebhooksSection(props: { groups: Group[] }) {
  const postable = props.groups.filter((g) => g.type !== 'direct');
  const [incoming, setIncoming] = useState<IncomingWebhook[]>([]);
  const [outgoing, setOutgoing] = useState<OutgoingWebhook[]>([]);
  const [shown, setShown] = useState<{ label: string; value: string } | null>(null);
  const [log, setLog] = useState<{ id: number; deliveries: WebhookDelivery[] } | null>(null);
  const load = () => {
    void integrationsApi.incoming().then(
      (r) => setIncoming(r.webhooks),
      () => undefined,
    );
    void integrationsApi.outgoing().then(
      (r) => setOutgoing(r.webhooks),
      () => undefined,
    );
  };
  const { said, run } = useAction(load);
  const { ask, dialog } = useConfirm();
  useEffect(load, []);

  const [inGroup, setInGroup] = useState<number | ''>('');
  const [inName, setInName] = useState('');
  const [outUrl, setOutUrl] = useState('');
  const [events, setEvents] = useState({ 'message:new': true, mention: false });
  const [outGroups, setOutGroups] = useState<number[]>([]);
  const groupName = (id: number) => props.groups.find((g) => g.id === id)?.name ?? `#${id}`;

  return (
    <section aria-label="Webhooks">
      <h3>Incoming</h3>
      <p class="dialog__hint">Tools that post to Slack (alerts, CI) can post here: give them the URL.</p>
      <ul class="integration-list">
        {incoming.map((w) => (
          <li key={w.id} class="integration-list__item">
            <span>
              <strong>{w.name}</strong> → {w.groupName ?? groupName(w.groupId)}
              {w.lastUsedAt ? ` · last used ${when(w.lastUsedAt)}` : ' · never used'}
            </span>
            <button
              type="button"
              class="link-btn"
              onClick={() =>
                ask(
                  `Revoke ${w.name}? Its URL stops working at once.`,
                  'Revoke',
                  () => void run(() => integrationsApi.revokeIncoming(w.id), `${w.name} revoked`),
                )
              }
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <form
        class="integration-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (inGroup === '') return;
          void run(async () => {
            const { webhook } = await integrationsApi.createIncoming(inGroup, inName);
            setShown({ label: `${webhook.name}'s URL`, value: webhook.url ?? '' });
            setInName('');
          }, 'Webhook created');
        }}
      >
        <select
          aria-label="Conversation it posts to"
          value={inGroup}
          required
          onChange={(e) => setInGroup(Number(e.currentTarget.value) || '')}
        >
          <option value="">Post to…</option>
          {postable.map((g) => (
            <option key={g.id} value={g.id}>
              {g.type === 'public' ? '# ' : ''}
              {g.name}
            </option>
          ))}
        </select>
        <input
          aria-label="Webhook name"
          placeholder="Name (e.g. Alerts)"
          value={inName}
          maxLength={80}
          required
          onInput={(e) => setInName(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn--primary">
          Create incoming webhook
        </button>
      </form>
      {shown && <ShownOnce label={shown.label} value={shown.value} />}

      <h3>Outgoing</h3>
      <p class="dialog__hint">
        New messages or bot mentions are POSTed to your URL, signed with <code>X-RosterChirp-Signature</code>.
      </p>
      <ul class="integration-list">
        {outgoing.map((w) => (
          <li key={w.id} class="integration-list__item">
            <span>
              <strong>{w.url}</strong> · {w.events.join(', ')} ·{' '}
              {w.groupIds ? w.groupIds.map(groupName).join(', ') : 'all conversations'}
            </span>
            <span>
              <button
                type="button"
                class="link-btn"
                onClick={() =>
                  void integrationsApi.deliveries(w.id).then(
                    (r) => setLog({ id: w.id, deliveries: r.deliveries }),
                    () => undefined,
                  )
                }
              >
                Deliveries
              </button>{' '}
              <button
                type="button"
                class="link-btn"
                onClick={() =>
                  ask(
                    `Stop sending to ${w.url}?`,
                    'Delete',
                    () => void run(() => integrationsApi.revokeOutgoing(w.id), 'Webhook deleted'),
                  )
                }
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {log && (
        <div class="delivery-log-wrap">
          <table class="delivery-log" aria-label="Delivery log">
            <thead>
              <tr>
                <th>When</th>
                <th>Event</th>
                <th>Message</th>
                <th>Status</th>
                <th>Tries</th>
                <th>Answer</th>
              </tr>
            </thead>
            <tbody>
              {log.deliveries.map((d) => (
                <tr key={d.id} class={`delivery--${d.status}`}>
                  <td>{when(d.updatedAt)}</td>
                  <td>{d.event}</td>
                  <td>{d.messageId ?? ''}</td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td>{d.error ?? d.responseStatus ?? ''}</td>
                </tr>
              ))}
              {log.deliveries.length === 0 && (
                <tr>
                  <td colSpan={6}>Nothing sent yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <form
        class="integration-form integration-form--stacked"
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = Object.entries(events)
            .filter(([, on]) => on)
            .map(([k]) => k);
          void run(async () => {
            const { webhook } = await integrationsApi.createOutgoing({
              url: outUrl,
              events: chosen,
              ...(outGroups.length > 0 ? { groupIds: outGroups } : {}),
            });
            setShown({ label: 'The signing secret', value: webhook.secret ?? '' });
            setOutUrl('');
          }, 'Outgoing webhook created');
        }}
      >
        <input
          aria-label="Target URL"
          type="url"
          placeholder="https://example.com/hook"
          value={outUrl}
          required
          onInput={(e) => setOutUrl(e.currentTarget.value)}
        />
        <label class="integration-check">
          <input
            type="checkbox"
            checked={events['message:new']}
            onChange={(e) => setEvents({ ...events, 'message:new': e.currentTarget.checked })}
          />{' '}
          New messages
        </label>
        <label class="integration-check">
          <input
            type="checkbox"
            checked={events.mention}
            onChange={(e) => setEvents({ ...events, mention: e.currentTarget.checked })}
          />{' '}
          Bot mentions
        </label>
        <select
          aria-label="Only these conversations"
          multiple
          size={Math.min(4, Math.max(2, postable.length))}
          onChange={(e) => setOutGroups([...e.currentTarget.selectedOptions].map((o) => Number(o.value)))}
        >
          {postable.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <button type="submit" class="btn btn--primary" disabled={!events['message:new'] && !events.mention}>
          Create outgoing webhook
        </button>
      </form>
      <FormMessage message={said} />
      {dialog}
    </section>
  );
}
