import type { IntegrationsOverview } from '@rosterchirp/protocol/client';
import { useEffect } from 'preact/hooks';
import { useConfirm } from '../../ui/confirm.tsx';
import { FormMessage } from '../../ui/FormMessage.tsx';
import { useAction } from '../../ui/use-action.ts';
import { integrationsApi } from './integrations-api.ts';

const STATE_TEXT: Record<string, string> = {
  unlinked: 'Not linked.',
  linking: 'Waiting for the QR code to be scanned…',
  connected: 'Connected.',
  disconnected: 'Disconnected; reconnecting.',
};

/** Links the workspace's WhatsApp number (QR pairing) and shows the bridge's state. */
export function WhatsappSection(props: {
  whatsapp: IntegrationsOverview['whatsapp'] | null;
  onChanged: () => void;
}) {
  const { said, run } = useAction(props.onChanged);
  const { ask, dialog } = useConfirm();
  const wa = props.whatsapp;
  // While linking, the QR code changes every ~20 s: look again every 3 s.
  useEffect(() => {
    if (wa?.state !== 'linking') return;
    const timer = setInterval(props.onChanged, 3000);
    return () => clearInterval(timer);
  }, [wa?.state]);
  return (
    <section aria-label="WhatsApp">
      <p class="whatsapp-state">
        <strong>{STATE_TEXT[wa?.state ?? 'unlinked'] ?? wa?.state}</strong>
        {wa?.phone && ` Number ${wa.phone}.`}
        {wa?.lastMessageAt && ` Last message ${new Date(wa.lastMessageAt).toLocaleString()}.`}
        {wa && ` Auth state: ${wa.authRows} rows.`}
      </p>
      {wa?.qr && (
        <figure class="whatsapp-qr">
          <img src={wa.qr} alt="WhatsApp pairing QR code" width={220} height={220} />
          <figcaption>On the phone: WhatsApp → Linked devices → Link a device, then scan this.</figcaption>
        </figure>
      )}
      <div class="dialog__actions">
        {wa?.state !== 'connected' && (
          <button
            type="button"
            class="btn btn--primary"
            onClick={() => void run(() => integrationsApi.linkWhatsapp(), 'Linking started')}
          >
            Link WhatsApp
          </button>
        )}
        {wa && wa.state !== 'unlinked' && (
          <button
            type="button"
            class="btn"
            onClick={() =>
              ask(
                'Unlink WhatsApp? Its auth state is deleted; linking again needs a new scan.',
                'Unlink',
                () => void run(() => integrationsApi.unlinkWhatsapp(), 'Unlinked'),
              )
            }
          >
            Unlink
          </button>
        )}
      </div>
      <FormMessage message={said} />
      {dialog}
    </section>
  );
}
