import type { IntegrationsOverview } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import type { Store } from '../../store.ts';
import { useStoreSlice } from '../../store.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { BotsSection } from './BotsSection.tsx';
import { integrationsApi } from './integrations-api.ts';
import { SmsSection } from './SmsSection.tsx';
import { WebhooksSection } from './WebhooksSection.tsx';
import { WhatsappSection } from './WhatsappSection.tsx';

const TABS = [
  ['bots', 'Bots'],
  ['webhooks', 'Webhooks'],
  ['sms', 'SMS'],
  ['whatsapp', 'WhatsApp'],
] as const;
type Tab = (typeof TABS)[number][0];

/** Admins connect the workspace to other tools: bots, webhooks, the SMS and WhatsApp bridges. */
export function IntegrationsDialog(props: { store: Store; onClose: () => void }) {
  const { groups } = useStoreSlice(props.store, (s) => ({ groups: s.groups }));
  const [tab, setTab] = useState<Tab>('bots');
  const [overview, setOverview] = useState<IntegrationsOverview | null>(null);
  const refresh = () => void integrationsApi.overview().then(setOverview, () => undefined);
  useEffect(refresh, []);
  return (
    <Dialog label="Integrations" title="Integrations" onClose={props.onClose}>
      <div class="tabs integrations" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            class={tab === id ? 'tab tab--on' : 'tab'}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'bots' && <BotsSection />}
      {tab === 'webhooks' && <WebhooksSection groups={groups} />}
      {tab === 'sms' && <SmsSection sms={overview?.sms ?? null} onChanged={refresh} />}
      {tab === 'whatsapp' && <WhatsappSection whatsapp={overview?.whatsapp ?? null} onChanged={refresh} />}
      <p class="dialog__hint">
        Calls:{' '}
        {overview?.calls
          ? 'on (LiveKit) — “Start a call” is in every conversation.'
          : 'off — set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.'}
      </p>
    </Dialog>
  );
}
