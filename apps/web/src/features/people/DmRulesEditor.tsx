import type { DmRule, UserGroup } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { peopleApi } from './people-api.ts';

/** Admins: which user groups may not start direct messages with which (one-way rules). */
export function DmRulesEditor({ groups }: { groups: UserGroup[] }) {
  const [rules, setRules] = useState<DmRule[] | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void peopleApi.dmRules().then(
      (r) => setRules(r.rules),
      (err: unknown) => setError(err instanceof ApiError ? err.message : 'Could not load the rules'),
    );
  }, []);
  const name = (id: number) => groups.find((g) => g.id === id)?.name ?? `#${id}`;
  const save = async (next: DmRule[]) => {
    setError(null);
    try {
      setRules((await peopleApi.saveDmRules(next)).rules);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save the rules');
    }
  };
  if (!rules || groups.length < 2) return null;
  return (
    <section class="dm-rules" aria-label="Direct-message restrictions">
      <h3>Direct-message restrictions</h3>
      {rules.length === 0 && <p class="dialog__hint">Everyone may message everyone.</p>}
      {rules.map((r) => (
        <div key={`${r.fromUserGroupId}-${r.toUserGroupId}`} class="dm-rule">
          <span>
            <strong>{name(r.fromUserGroupId)}</strong> may not message{' '}
            <strong>{name(r.toUserGroupId)}</strong>
          </span>
          <button
            type="button"
            class="link-btn link-btn--danger"
            onClick={() => void save(rules.filter((x) => x !== r))}
          >
            Remove
          </button>
        </div>
      ))}
      <div class="dm-rule dm-rule--new">
        <select
          aria-label="Restricted user group"
          value={from ?? ''}
          onChange={(e) => setFrom(Number(e.currentTarget.value) || null)}
        >
          <option value="">Members of…</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <span>may not message</span>
        <select
          aria-label="Protected user group"
          value={to ?? ''}
          onChange={(e) => setTo(Number(e.currentTarget.value) || null)}
        >
          <option value="">members of…</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="btn btn--primary"
          disabled={from === null || to === null || from === to}
          onClick={() => {
            if (from !== null && to !== null)
              void save([...rules, { fromUserGroupId: from, toUserGroupId: to }]);
          }}
        >
          Add rule
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
