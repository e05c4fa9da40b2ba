import type { Contact, IntegrationsOverview } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { useConfirm } from '../../ui/confirm.tsx';
import { FormMessage } from '../../ui/FormMessage.tsx';
import { useAction } from '../../ui/use-action.ts';
import { integrationsApi } from './integrations-api.ts';

/** The SMS bridge's account (Twilio-compatible) and the address book of contacts. */
export function SmsSection(props: { sms: IntegrationsOverview['sms'] | null; onChanged: () => void }) {
  const [contacts, setContacts] = useState<Contact[]>([]);
  const load = () =>
    void integrationsApi.contacts().then(
      (r) => setContacts(r.contacts),
      () => undefined,
    );
  const { said, run } = useAction(() => {
    load();
    props.onChanged();
  });
  const { ask, dialog } = useConfirm();
  useEffect(load, []);
  const [account, setAccount] = useState({ accountSid: '', authToken: '', fromNumber: '' });
  const [contact, setContact] = useState({ name: '', phone: '', tags: '' });
  return (
    <section aria-label="SMS">
      <p class="dialog__hint">
        {props.sms?.configured
          ? `Texts to ${props.sms.fromNumber} arrive in one conversation per contact. `
          : 'Not set up yet. '}
        Point your number's incoming-message webhook at{' '}
        <code>{props.sms?.inboundUrl ?? '/api/sms/inbound'}</code>.
      </p>
      <form
        class="integration-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => integrationsApi.configureSms(account), 'SMS account saved');
        }}
      >
        <input
          aria-label="Account SID"
          placeholder="Account SID (AC…)"
          value={account.accountSid}
          required
          onInput={(e) => setAccount({ ...account, accountSid: e.currentTarget.value.trim() })}
        />
        <input
          aria-label="Auth token"
          type="password"
          placeholder="Auth token"
          value={account.authToken}
          required
          onInput={(e) => setAccount({ ...account, authToken: e.currentTarget.value.trim() })}
        />
        <input
          aria-label="Sending number"
          placeholder="+15551234567"
          value={account.fromNumber}
          required
          onInput={(e) => setAccount({ ...account, fromNumber: e.currentTarget.value.trim() })}
        />
        <button type="submit" class="btn btn--primary">
          Save account
        </button>
      </form>
      <h3>Contacts</h3>
      <ul class="integration-list">
        {contacts.map((c) => (
          <li key={c.id} class="integration-list__item">
            <span>
              <strong>{c.name}</strong> · {c.phones.join(', ')}
              {c.tags.length > 0 && ` · ${c.tags.map((t) => `#${t}`).join(' ')}`}
              {c.smsOptedOut && ' · opted out (STOP)'}
            </span>
            <button
              type="button"
              class="link-btn"
              onClick={() =>
                ask(
                  `Delete ${c.name}?`,
                  'Delete',
                  () => void run(() => integrationsApi.deleteContact(c.id), `${c.name} deleted`),
                )
              }
            >
              Delete
            </button>
          </li>
        ))}
        {contacts.length === 0 && (
          <li class="dialog__hint">No contacts yet: they are added when they text you, or here.</li>
        )}
      </ul>
      <form
        class="integration-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await integrationsApi.createContact({
              name: contact.name,
              phones: [contact.phone],
              tags: contact.tags
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            });
            setContact({ name: '', phone: '', tags: '' });
          }, `${contact.name} added`);
        }}
      >
        <input
          aria-label="Contact name"
          placeholder="Name"
          value={contact.name}
          required
          maxLength={80}
          onInput={(e) => setContact({ ...contact, name: e.currentTarget.value })}
        />
        <input
          aria-label="Contact phone"
          placeholder="+15551234567"
          value={contact.phone}
          required
          onInput={(e) => setContact({ ...contact, phone: e.currentTarget.value.trim() })}
        />
        <input
          aria-label="Contact tags"
          placeholder="tags, comma separated"
          value={contact.tags}
          onInput={(e) => setContact({ ...contact, tags: e.currentTarget.value })}
        />
        <button type="submit" class="btn">
          Add contact
        </button>
      </form>
      <FormMessage message={said} />
      {dialog}
    </section>
  );
}
