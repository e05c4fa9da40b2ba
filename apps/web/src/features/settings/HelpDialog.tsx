import type { TenantSettings } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../../ui/Dialog.tsx';
import { settingsApi } from './settings-api.ts';

/** The workspace's help page (its admins write it in Settings), fetched fresh when opened. */
export function HelpDialog(props: { settings: TenantSettings | null; onClose: () => void }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    settingsApi.settings().then(
      ({ settings }) => setHtml(settings.helpHtml ?? ''),
      () => setHtml(props.settings?.helpHtml ?? ''),
    );
  }, []);
  return (
    <Dialog label="Help" title={`Help — ${props.settings?.appName ?? 'RosterChirp'}`} onClose={props.onClose}>
      {html === null ? (
        <p class="dialog__hint">Loading…</p>
      ) : html ? (
        // Markdown the server rendered and sanitised (no scripts, styles or handlers).
        <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <p class="dialog__hint">Your admins have not written a help page yet.</p>
      )}
    </Dialog>
  );
}
