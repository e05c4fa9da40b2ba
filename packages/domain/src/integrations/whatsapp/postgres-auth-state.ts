import type { TenantDb } from '@rosterchirp/db';
import type { AuthStateWrite, WhatsappAuthStore } from '@rosterchirp/store';
import type { AuthenticationCreds, AuthenticationState, SignalDataTypeMap } from '@whiskeysockets/baileys';

/**
 * Baileys, loaded on first use (≈60 MiB and 0.4 s: an instance whose tenants never link
 * WhatsApp never pays it). It ships CommonJS whose named exports Node cannot all see: take them
 * from the default export.
 */
export async function loadBaileys(): Promise<typeof import('@whiskeysockets/baileys')> {
  // Node gives the CommonJS exports as `default`; a loader may wrap them once more.
  let mod: unknown = await import('@whiskeysockets/baileys');
  while (mod && typeof (mod as { initAuthCreds?: unknown }).initAuthCreds !== 'function') {
    mod = (mod as { default?: unknown }).default;
  }
  if (!mod) throw new Error('@whiskeysockets/baileys has no initAuthCreds: an incompatible version');
  return mod as typeof import('@whiskeysockets/baileys');
}

/**
 * How long each key type is kept after its last write (ms); absent: until deleted. Only
 * bookkeeping that WhatsApp re-sends expires — never identity, sessions or pre-keys.
 */
export const AUTH_KEY_TTL_MS: Partial<Record<keyof SignalDataTypeMap | string, number>> = {
  'sender-key-memory': 7 * 86_400_000,
  'device-list': 7 * 86_400_000,
};

const CREDS = { category: 'creds', id: 'creds' } as const;

/**
 * Baileys' auth state kept in the tenant's schema instead of files (what `useMultiFileAuthState`
 * does on disk): values stored as BufferJSON text so every Buffer comes back byte-equal, a key
 * write of any size as one multi-row upsert plus one delete, and the tenant checked on every
 * call — the state of one tenant can never be read or written through another's database handle.
 */
export async function usePostgresAuthState(
  store: WhatsappAuthStore,
  db: TenantDb,
  tenant: string,
  opts: { ttlMs?: typeof AUTH_KEY_TTL_MS; now?: () => number } = {},
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void>; clear: () => Promise<void> }> {
  const { BufferJSON, initAuthCreds, proto } = await loadBaileys();
  const ttl = opts.ttlMs ?? AUTH_KEY_TTL_MS;
  const now = opts.now ?? Date.now;
  const checked = () => {
    if (db.schema !== tenant) throw new Error(`WhatsApp auth state of ${tenant} used with ${db.schema}`);
    return db;
  };
  const read = async (category: string, ids: string[]) => {
    const found = await store.read(checked(), tenant, category, ids);
    const out = new Map<string, unknown>();
    for (const [id, text] of found) out.set(id, JSON.parse(text, BufferJSON.reviver));
    return out;
  };
  const stored = (await read(CREDS.category, [CREDS.id])).get(CREDS.id) as AuthenticationCreds | undefined;
  const creds = stored ?? initAuthCreds();

  const state: AuthenticationState = {
    creds,
    keys: {
      async get(type, ids) {
        const found = await read(type, ids);
        const data: Record<string, unknown> = {};
        for (const id of ids) {
          let value = found.get(id);
          if (type === 'app-state-sync-key' && value) {
            value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          }
          data[id] = value;
        }
        return data as { [id: string]: SignalDataTypeMap[typeof type] };
      },
      async set(data) {
        const rows: AuthStateWrite[] = [];
        for (const [category, entries] of Object.entries(data)) {
          const life = ttl[category];
          for (const [id, value] of Object.entries(entries ?? {})) {
            rows.push({
              category,
              id,
              value: value == null ? null : JSON.stringify(value, BufferJSON.replacer),
              expiresAt: life ? new Date(now() + life) : null,
            });
          }
        }
        if (rows.length > 0) await store.write(checked(), tenant, rows);
      },
    },
  };
  return {
    state,
    saveCreds: () =>
      store.write(checked(), tenant, [
        { ...CREDS, value: JSON.stringify(state.creds, BufferJSON.replacer), expiresAt: null },
      ]),
    clear: () => store.clear(checked(), tenant),
  };
}
