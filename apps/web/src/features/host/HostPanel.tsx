import { type AuditEntry, PLANS, type Plan, SLUG_PATTERN, type Tenant } from '@rosterchirp/protocol/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { type HostApi, hostApi } from './host-api.ts';

const KEY_STORAGE = 'rosterchirp.hostAdminKey';
const message = (err: unknown) => (err instanceof ApiError ? err.message : 'Something went wrong; try again');

/** `{HOST_DOMAIN}/host`: list, create, edit, suspend and delete tenants (docs/PRODUCT.md §1). */
export function HostPanel() {
  const [key, setKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? '');
  const [unlocked, setUnlocked] = useState(false);
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ tenant: Tenant; adminPassword: string } | null>(null);
  const [activity, setActivity] = useState<AuditEntry[]>([]);
  const [shards, setShards] = useState<string[]>(['main']);
  const [notice, setNotice] = useState<string | null>(null);
  const api = useMemo(() => hostApi(key), [key]);

  const reload = async (withApi: HostApi = api) => {
    try {
      const [list, audit, clusters] = await Promise.all([withApi.list(), withApi.audit(), withApi.shards()]);
      setTenants(list.tenants);
      setActivity(audit.entries);
      setShards(clusters.shards.map((c) => c.name));
      setUnlocked(true);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        sessionStorage.removeItem(KEY_STORAGE);
        setUnlocked(false);
        setError('That key is not right: it is the HOST_ADMIN_KEY this deployment was started with.');
        return;
      }
      setError(message(err));
    }
  };

  useEffect(() => {
    if (key) void reload();
    // Only the key typed at start; later keys come through the form.
  }, []);

  if (!unlocked) {
    return (
      <main class="login">
        <form
          class="login__card"
          onSubmit={(e) => {
            e.preventDefault();
            sessionStorage.setItem(KEY_STORAGE, key);
            void reload(hostApi(key));
          }}
        >
          <img class="login__logo" src="/icon.svg" alt="" width={56} height={56} />
          <h1>Host control plane</h1>
          <p class="login__sub">Every organisation on this RosterChirp host.</p>
          <label>
            Host admin key
            <input
              type="password"
              name="host-admin-key"
              autocomplete="off"
              required
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </label>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button class="btn btn--primary btn--block" type="submit">
            Open
          </button>
        </form>
      </main>
    );
  }

  return (
    <main class="host">
      <header class="host__header">
        <h1>Tenants</h1>
        <span class="host__count">{tenants.length}</span>
        <button
          type="button"
          class="link-btn"
          onClick={() => {
            sessionStorage.removeItem(KEY_STORAGE);
            setKey('');
            setUnlocked(false);
          }}
        >
          Lock
        </button>
      </header>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <CreateTenantForm
        api={api}
        onCreated={(result) => {
          setCreated(result);
          void reload();
        }}
      />
      {notice && (
        <p class="host__created" role="status">
          {notice}{' '}
          <button type="button" class="link-btn" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      {created && (
        <section class="host__created" role="status">
          <strong>{created.tenant.name}</strong> is ready at{' '}
          <a href={created.tenant.url} target="_blank" rel="noreferrer">
            {created.tenant.url}
          </a>
          . Admin password (shown once): <code>{created.adminPassword}</code>
          <button type="button" class="link-btn" onClick={() => setCreated(null)}>
            Dismiss
          </button>
        </section>
      )}
      <div class="host__table-wrap">
        <table class="host__table">
          <thead>
            <tr>
              <th>Organisation</th>
              <th>Plan</th>
              <th>Status</th>
              <th>Custom domain</th>
              <th>Database</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tenants.map((t) => (
              <TenantRow
                key={t.slug}
                tenant={t}
                api={api}
                shards={shards}
                onChanged={() => void reload()}
                onError={setError}
                onNotice={setNotice}
              />
            ))}
            {tenants.length === 0 && (
              <tr>
                <td colSpan={6} class="host__empty">
                  No tenants yet: create the first one above.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {activity.length > 0 && (
        <section class="host__activity" aria-label="Recent activity">
          <h2>Recent activity</h2>
          <ul>
            {activity.map((e) => (
              <li key={`${e.at}-${e.action}-${e.slug}`}>
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> <strong>{e.action}</strong>
                {e.slug && ` ${e.slug}`} —{' '}
                <span class={e.outcome === 'ok' ? '' : 'host__refused'}>{e.outcome}</span>
                {e.ip && <small> from {e.ip}</small>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function CreateTenantForm(props: {
  api: HostApi;
  onCreated: (r: { tenant: Tenant; adminPassword: string }) => void;
}) {
  const empty = {
    slug: '',
    name: '',
    plan: 'team' as Plan,
    adminEmail: '',
    adminName: '',
    adminPassword: '',
  };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = (name: keyof typeof empty) => ({
    name,
    value: form[name],
    onInput: (e: { currentTarget: { value: string } }) => setForm({ ...form, [name]: e.currentTarget.value }),
  });
  return (
    <form
      class="host__create"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!new RegExp(SLUG_PATTERN).test(form.slug)) {
          setError(
            `“${form.slug}” cannot be a slug: use 2–31 lower-case letters, digits and dashes, starting with a letter.`,
          );
          return;
        }
        setBusy(true);
        setError(null);
        try {
          const { adminPassword, ...rest } = form;
          props.onCreated(await props.api.create(adminPassword ? { ...rest, adminPassword } : rest));
          setForm(empty);
        } catch (err) {
          setError(message(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>New organisation</h2>
      <label>
        Slug
        <input class="input" required aria-describedby="slug-rule" placeholder="acme" {...field('slug')} />
        <small id="slug-rule" class="host__hint">
          2–31 characters: lower-case letters, digits and dashes, starting with a letter. It becomes the
          address: slug.{location.hostname}
        </small>
      </label>
      <label>
        Name
        <input class="input" required maxLength={100} placeholder="Acme Ltd" {...field('name')} />
      </label>
      <label>
        Plan
        <select class="input" {...field('plan')}>
          {PLANS.map((p) => (
            <option value={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Admin email
        <input class="input" type="email" required {...field('adminEmail')} />
      </label>
      <label>
        Admin name
        <input class="input" required {...field('adminName')} />
      </label>
      <label>
        Admin password <small>(optional)</small>
        <input
          class="input"
          type="password"
          minLength={8}
          autocomplete="new-password"
          {...field('adminPassword')}
        />
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button class="btn btn--primary" type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create'}
      </button>
    </form>
  );
}

function TenantRow(props: {
  tenant: Tenant;
  api: HostApi;
  onChanged: () => void;
  onError: (m: string) => void;
  /** The database clusters a tenant may live on (more than one: it can be moved). */
  shards: string[];
  onNotice: (m: string) => void;
}) {
  const t = props.tenant;
  const [moving, setMoving] = useState(false);
  const move = async (shard: string) => {
    if (
      !confirm(
        `Move ${t.name} to the database "${shard}"? It stays online: people keep reading, and their writes wait while its data is copied (about a second per 30,000 rows).`,
      )
    )
      return;
    setMoving(true);
    try {
      const { move: m } = await props.api.move(t.slug, shard);
      props.onNotice(
        `${t.name} moved from ${m.from} to ${m.to}: ${m.rows.toLocaleString()} rows in ${m.tables} tables; writes waited ${m.readOnlyMs} ms.`,
      );
      props.onChanged();
    } catch (err) {
      props.onError(`${t.slug}: ${message(err)}`);
    } finally {
      setMoving(false);
    }
  };
  const [name, setName] = useState(t.name);
  const [domain, setDomain] = useState(t.customDomain ?? '');
  const change = async (patch: Parameters<HostApi['update']>[1]) => {
    try {
      await props.api.update(t.slug, patch);
      props.onChanged();
    } catch (err) {
      props.onError(`${t.slug}: ${message(err)}`);
    }
  };
  const busy = t.status === 'provisioning';
  return (
    <tr data-slug={t.slug}>
      <td>
        <input
          class="input host__name"
          aria-label={`Name of ${t.slug}`}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          onBlur={() => name !== t.name && name.trim() && void change({ name: name.trim() })}
        />
        <a class="host__url" href={t.url} target="_blank" rel="noreferrer">
          {t.url.replace(/^https?:\/\//, '')}
        </a>
      </td>
      <td>
        <select
          class="input"
          aria-label={`Plan of ${t.slug}`}
          value={t.plan}
          disabled={busy}
          onChange={(e) => void change({ plan: e.currentTarget.value as Plan })}
        >
          {PLANS.map((p) => (
            <option value={p}>{p}</option>
          ))}
        </select>
      </td>
      <td>
        <span class={`host__status host__status--${t.status}`}>{t.status}</span>
      </td>
      <td>
        <form
          class="host__domain"
          onSubmit={(e) => {
            e.preventDefault();
            void change({ customDomain: domain.trim().toLowerCase() || null });
          }}
        >
          <input
            class="input"
            aria-label={`Custom domain of ${t.slug}`}
            placeholder="chat.example.com"
            value={domain}
            onInput={(e) => setDomain(e.currentTarget.value)}
          />
          {domain !== (t.customDomain ?? '') && (
            <button type="submit" class="link-btn">
              Save
            </button>
          )}
        </form>
      </td>
      <td>
        {props.shards.length > 1 ? (
          <select
            class="input"
            aria-label={`Database of ${t.slug}`}
            value={t.shard}
            disabled={busy || moving}
            onChange={(e) => {
              const to = e.currentTarget.value;
              e.currentTarget.value = t.shard;
              void move(to);
            }}
          >
            {props.shards.map((name) => (
              <option value={name}>{name}</option>
            ))}
          </select>
        ) : (
          <span>{t.shard}</span>
        )}
        {moving && <small class="host__moving"> moving…</small>}
      </td>
      <td class="host__actions">
        {t.status === 'active' && (
          <button type="button" class="link-btn" onClick={() => void change({ status: 'suspended' })}>
            Suspend
          </button>
        )}
        {t.status === 'suspended' && (
          <button type="button" class="link-btn" onClick={() => void change({ status: 'active' })}>
            Resume
          </button>
        )}
        <button
          type="button"
          class="link-btn link-btn--danger"
          onClick={async () => {
            const typed = prompt(
              `This deletes ${t.name} and all its messages and files. Type "${t.slug}" to confirm.`,
            );
            if (typed !== t.slug) return;
            try {
              await props.api.remove(t.slug);
              props.onChanged();
            } catch (err) {
              props.onError(`${t.slug}: ${message(err)}`);
            }
          }}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
