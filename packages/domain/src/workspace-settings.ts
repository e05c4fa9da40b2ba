import type { TenantDb } from '@rosterchirp/db';
import type { PatchSettingsBody, TenantSettings } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import { type Stores, uploadUrl } from '@rosterchirp/store';
import { notFound } from './app-error.ts';
import { type AuditService, auditWho } from './audit-service.ts';
import type { Actor } from './context.ts';
import { cachedMarkdown } from './markdown.ts';
import type { SettingsService, SettingValues } from './settings-service.ts';
import type { UploadService } from './upload-service.ts';

export interface WorkspaceSettingsDeps {
  stores: Pick<Stores, 'settings' | 'groups'>;
  settings: SettingsService;
  uploads: UploadService;
  audit: AuditService;
  bus: EventBus;
}

/** Who is looking: nobody (the sign-in page), a signed-in person, or an admin. */
export type SettingsViewer = 'public' | 'member' | 'admin';

type Change = PatchSettingsBody;

/** Fields that need the Brand plan. */
const BRANDING: ReadonlyArray<keyof Change> = ['appName', 'logoKey', 'iconKey', 'colors'];

/**
 * The workspace's settings (docs/PRODUCT.md §8): name, logo, icon and colours (Brand plan),
 * registration, the default password, the default chat's name, the about and help texts, and the
 * two-factor rule. Every admin change is one audit entry with what changed, written with it;
 * open clients hear the public part live (`settings:updated`).
 */
export function createWorkspaceSettings(deps: WorkspaceSettingsDeps) {
  const { settings } = deps;
  const markdownToSafeHtml = cachedMarkdown();
  const read = <K extends Exclude<keyof SettingValues, 'default_chat_id'>>(db: TenantDb, key: K) =>
    settings.settingOrDefault(db, key);

  async function defaultChat(db: TenantDb) {
    const id = await settings.get(db, 'default_chat_id');
    return id ? deps.stores.groups.view(db, 0, id) : null;
  }

  async function view(db: TenantDb, viewer: SettingsViewer): Promise<TenantSettings> {
    // One query for every key (the sign-in page and every start read this).
    const v = await settings.settingsOrDefaults(db, [
      'app_name',
      'logo_key',
      'icon_key',
      'colors',
      'registration_open',
      'about_markdown',
      'help_markdown',
      'default_user_password',
      'require_totp_for_admins',
    ]);
    const out: TenantSettings = {
      appName: v.app_name,
      logoUrl: uploadUrl(v.logo_key),
      iconUrl: uploadUrl(v.icon_key),
      colors: v.colors,
      registrationOpen: v.registration_open,
      aboutMarkdown: v.about_markdown,
      aboutHtml: markdownToSafeHtml(v.about_markdown),
    };
    if (viewer === 'public') return out;
    out.helpHtml = markdownToSafeHtml(v.help_markdown);
    if (viewer !== 'admin') return out;
    out.helpMarkdown = v.help_markdown;
    out.defaultChatName = (await defaultChat(db))?.name ?? '';
    out.defaultUserPasswordSet = v.default_user_password !== null;
    out.requireTotpForAdmins = v.require_totp_for_admins;
    return out;
  }

  /** What the audit entry says of a change: values, except the password (only that it changed). */
  function described(field: keyof Change, from: unknown, to: unknown) {
    if (field === 'defaultUserPassword') return { set: to !== null };
    if (field === 'aboutMarkdown' || field === 'helpMarkdown') return { length: String(to).length };
    return { from, to };
  }

  return {
    view,

    async update(db: TenantDb, actor: Actor, change: Change): Promise<TenantSettings> {
      if (BRANDING.some((f) => change[f] !== undefined))
        await settings.requireFeature(db, 'feature_branding');
      // Checked before anything is written: the uploads must be this admin's own logos.
      for (const field of ['logoKey', 'iconKey'] as const) {
        const key = change[field];
        if (key) await deps.uploads.assertUsable(db, actor.user, key, 'logo', field);
      }
      const simple = {
        appName: 'app_name',
        logoKey: 'logo_key',
        iconKey: 'icon_key',
        colors: 'colors',
        registrationOpen: 'registration_open',
        defaultUserPassword: 'default_user_password',
        aboutMarkdown: 'about_markdown',
        helpMarkdown: 'help_markdown',
        requireTotpForAdmins: 'require_totp_for_admins',
      } as const;
      const changed: Record<string, unknown> = {};
      let renamedChat: number | null = null;
      await deps.audit.within(
        db,
        auditWho(actor),
        async (tx) => {
          for (const [field, key] of Object.entries(simple) as Array<
            [keyof typeof simple, (typeof simple)[keyof typeof simple]]
          >) {
            const to = field === 'appName' ? change.appName?.trim() : change[field];
            if (to === undefined) continue;
            const from = await read(tx, key);
            if (JSON.stringify(from) === JSON.stringify(to)) continue;
            await deps.stores.settings.set(tx, key, to);
            changed[field] = described(field, from, to);
          }
          if (change.defaultChatName !== undefined) {
            const chat = await defaultChat(tx);
            if (!chat) throw notFound('Default chat');
            const name = change.defaultChatName.trim();
            if (name && name !== chat.name) {
              await deps.stores.groups.rename(tx, chat.id, name);
              changed.defaultChatName = { from: chat.name, to: name };
              renamedChat = chat.id;
            }
          }
        },
        () =>
          Object.keys(changed).length ? { action: 'settings.updated', target: null, details: changed } : null,
      );
      if (Object.keys(changed).length) {
        deps.bus.emit(rooms.tenant(db.schema), 'settings:updated', { settings: await view(db, 'public') });
        if (renamedChat !== null) {
          const group = await deps.stores.groups.view(db, actor.user.id, renamedChat);
          if (group) deps.bus.emit(rooms.tenant(db.schema), 'group:updated', { group });
        }
      }
      return view(db, 'admin');
    },
  };
}

export type WorkspaceSettings = ReturnType<typeof createWorkspaceSettings>;
