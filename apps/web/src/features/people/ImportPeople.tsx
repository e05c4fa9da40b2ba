import type { ImportUsersReply } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import type { ChatClient } from '../chat/chat-client.ts';
import { peopleApi } from './people-api.ts';

/**
 * CSV import inside People: pick a file (`name,email[,role]`), see every row checked (nothing is
 * written yet), then import the good rows and get each new person's one-time password.
 */
export function ImportPeople(props: { client: ChatClient; onImported: () => void }) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  // The server says how far a long import got, every few rows, to this device only.
  useEffect(() => props.client.on('import:progress', setProgress), [props.client]);
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportUsersReply | null>(null);
  const [result, setResult] = useState<ImportUsersReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function check(file: File) {
    setError(null);
    setResult(null);
    const text = await file.text();
    setCsv(text);
    try {
      setPreview(await peopleApi.importUsers(text, true));
    } catch (err) {
      setPreview(null);
      setError(err instanceof ApiError ? err.message : 'The file could not be read');
    }
  }

  async function importNow() {
    if (!csv) return;
    setBusy(true);
    setProgress(null);
    try {
      setResult(await peopleApi.importUsers(csv, false));
      setPreview(null);
      props.onImported();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The import failed');
    } finally {
      setBusy(false);
    }
  }

  const ready = preview?.rows.filter((r) => r.status === 'ok').length ?? 0;
  const shown = result ?? preview;
  return (
    <section class="import" aria-label="Import people">
      <label class="import__pick">
        Import from CSV (name,email[,role])
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => e.currentTarget.files?.[0] && void check(e.currentTarget.files[0])}
        />
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <p class="import__summary">
          {ready} ready, {preview.rows.length - ready} with problems. Nothing is written until you import.{' '}
          <button
            type="button"
            class="btn btn--primary"
            disabled={busy || ready === 0}
            onClick={() => void importNow()}
          >
            {busy ? 'Importing…' : `Import ${ready} ${ready === 1 ? 'person' : 'people'}`}
          </button>
          {busy && progress && (
            <progress class="import__progress" max={progress.total} value={progress.done}>
              {progress.done} of {progress.total}
            </progress>
          )}
        </p>
      )}
      {result && (
        <p class="import__summary" role="status">
          {result.created} added. Their passwords are shown once: pass them on now.
        </p>
      )}
      {shown && (
        <table class="import__rows">
          <thead>
            <tr>
              <th>Line</th>
              <th>Email</th>
              <th>{result ? 'Result' : 'Check'}</th>
            </tr>
          </thead>
          <tbody>
            {shown.rows.map((r) => (
              <tr key={r.line} class={r.status === 'error' ? 'import__row--error' : ''}>
                <td>{r.line}</td>
                <td>{r.email || '—'}</td>
                <td>
                  {r.status === 'error' ? (
                    r.error
                  ) : r.password ? (
                    <code class="people__secret">{r.password}</code>
                  ) : (
                    'ok'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
