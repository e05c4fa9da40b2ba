import type { FeatureFlags, PatchSettingsBody, TenantSettings } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { uploadImage } from '../../lib/upload-api.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';
import { StorageCleanupSection } from './StorageCleanupSection.tsx';
import { settingsApi } from './settings-api.ts';

const DEFAULT_COLORS = { primary: '#1f2a44', accent: '#4f8cff' };

/**
 * The workspace's settings for admins: name, logo, icon and colours (Brand plan), the default
 * chat's name, open registration, the default password for new people, and the about and help
 * texts (Markdown). Saving sends only what changed.
 */
export function SettingsDialog(props: {
  features: FeatureFlags | null;
  onSaved: (settings: TenantSettings) => void;
  onClose: () => void;
}) {
  const [current, setCurrent] = useState<TenantSettings | null>(null);
  const [form, setForm] = useState({
    appName: '',
    colors: DEFAULT_COLORS,
    customColors: false,
    defaultChatName: '',
    registrationOpen: false,
    aboutMarkdown: '',
    helpMarkdown: '',
    defaultUserPassword: '',
  });
  const [message, setMessage] = useState<Said | null>(null);
  const [busy, setBusy] = useState(false);
  const branding = props.features?.feature_branding ?? false;
  const failed = (err: unknown) =>
    setMessage({ text: err instanceof ApiError ? err.message : 'That did not work', error: true });

  const load = (s: TenantSettings) => {
    setCurrent(s);
    setForm({
      appName: s.appName,
      colors: s.colors ?? DEFAULT_COLORS,
      customColors: s.colors !== null,
      defaultChatName: s.defaultChatName ?? '',
      registrationOpen: s.registrationOpen,
      aboutMarkdown: s.aboutMarkdown,
      helpMarkdown: s.helpMarkdown ?? '',
      defaultUserPassword: '',
    });
  };
  useEffect(() => {
    settingsApi.settings().then(({ settings }) => load(settings), failed);
  }, []);

  async function save(change: PatchSettingsBody, done = 'Saved') {
    if (Object.keys(change).length === 0) return setMessage({ text: 'Nothing changed', error: false });
    setBusy(true);
    setMessage(null);
    try {
      const { settings } = await settingsApi.update(change);
      load(settings);
      props.onSaved(settings);
      setMessage({ text: done, error: false });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  }

  function changes(): PatchSettingsBody {
    if (!current) return {};
    const out: PatchSettingsBody = {};
    if (branding && form.appName.trim() !== current.appName) out.appName = form.appName.trim();
    const colors = form.customColors ? form.colors : null;
    if (branding && JSON.stringify(colors) !== JSON.stringify(current.colors)) out.colors = colors;
    if (form.defaultChatName.trim() !== current.defaultChatName)
      out.defaultChatName = form.defaultChatName.trim();
    if (form.registrationOpen !== current.registrationOpen) out.registrationOpen = form.registrationOpen;
    if (form.aboutMarkdown !== current.aboutMarkdown) out.aboutMarkdown = form.aboutMarkdown;
    if (form.helpMarkdown !== (current.helpMarkdown ?? '')) out.helpMarkdown = form.helpMarkdown;
    if (form.defaultUserPassword) out.defaultUserPassword = form.defaultUserPassword;
    return out;
  }

  const picture = (field: 'logoKey' | 'iconKey', label: string, url: string | null) => (
    <div class="settings__picture">
      {url ? (
        <img src={url} alt={`${label} now`} width={40} height={40} />
      ) : (
        <span class="settings__none">—</span>
      )}
      <label class="btn btn--small">
        {`Upload ${label.toLowerCase()}`}
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          class="visually-hidden"
          disabled={busy || !branding}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file)
              void uploadImage(file, 'logo').then(
                (key) => save({ [field]: key }, `${label} updated`),
                failed,
              );
          }}
        />
      </label>
      {url && (
        <button
          type="button"
          class="link-btn"
          disabled={!branding}
          onClick={() => void save({ [field]: null })}
        >
          Remove
        </button>
      )}
    </div>
  );

  return (
    <Dialog label="Workspace settings" title="Workspace settings" onClose={props.onClose}>
      {!current ? (
        <p class="dialog__hint">{message?.text ?? 'Loading…'}</p>
      ) : (
        <form
          class="settings"
          onSubmit={(e) => {
            e.preventDefault();
            void save(changes());
          }}
        >
          <fieldset disabled={!branding}>
            <legend>Branding{branding ? '' : ' (Brand plan)'}</legend>
            <label>
              Name
              <input
                value={form.appName}
                maxLength={60}
                required
                onInput={(e) => setForm({ ...form, appName: e.currentTarget.value })}
              />
            </label>
            {picture('logoKey', 'Logo', current.logoUrl)}
            {picture('iconKey', 'Icon', current.iconUrl)}
            <label class="toggle-row">
              <input
                type="checkbox"
                checked={form.customColors}
                onChange={(e) => setForm({ ...form, customColors: e.currentTarget.checked })}
              />
              Own colours
            </label>
            {form.customColors && (
              <div class="settings__colors">
                <label>
                  Main
                  <input
                    type="color"
                    value={form.colors.primary}
                    onInput={(e) =>
                      setForm({ ...form, colors: { ...form.colors, primary: e.currentTarget.value } })
                    }
                  />
                </label>
                <label>
                  Accent
                  <input
                    type="color"
                    value={form.colors.accent}
                    onInput={(e) =>
                      setForm({ ...form, colors: { ...form.colors, accent: e.currentTarget.value } })
                    }
                  />
                </label>
              </div>
            )}
          </fieldset>
          <fieldset>
            <legend>People</legend>
            <label>
              Name of the chat everyone is in
              <input
                value={form.defaultChatName}
                maxLength={100}
                onInput={(e) => setForm({ ...form, defaultChatName: e.currentTarget.value })}
              />
            </label>
            <label class="toggle-row">
              <input
                type="checkbox"
                checked={form.registrationOpen}
                onChange={(e) => setForm({ ...form, registrationOpen: e.currentTarget.checked })}
              />
              Anyone may create an account (open registration)
            </label>
            <label>
              Default password for new people{current.defaultUserPasswordSet ? ' (one is set)' : ''}
              <input
                type="password"
                autocomplete="new-password"
                minLength={8}
                placeholder={
                  current.defaultUserPasswordSet ? 'Type a new one to replace it' : 'None: one is generated'
                }
                value={form.defaultUserPassword}
                onInput={(e) => setForm({ ...form, defaultUserPassword: e.currentTarget.value })}
              />
            </label>
            {current.defaultUserPasswordSet && (
              <button type="button" class="link-btn" onClick={() => void save({ defaultUserPassword: null })}>
                Stop using a default password
              </button>
            )}
          </fieldset>
          <fieldset>
            <legend>Texts (Markdown)</legend>
            <label>
              About (on the sign-in page)
              <textarea
                rows={4}
                maxLength={20000}
                value={form.aboutMarkdown}
                onInput={(e) => setForm({ ...form, aboutMarkdown: e.currentTarget.value })}
              />
            </label>
            <label>
              Help page
              <textarea
                rows={6}
                maxLength={20000}
                value={form.helpMarkdown}
                onInput={(e) => setForm({ ...form, helpMarkdown: e.currentTarget.value })}
              />
            </label>
          </fieldset>
          <FormMessage message={message} />
          <div class="dialog__actions">
            <button type="submit" class="btn btn--primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
          </div>
        </form>
      )}
      <StorageCleanupSection />
    </Dialog>
  );
}
