import { useState } from 'preact/hooks';
import { ApiError } from '../lib/http.ts';

/**
 * A form's submit handler with the busy flag and a readable error: `run` does the work, an
 * ApiError shows its own message, anything else `fallback`. `fail(text)` shows a local problem.
 */
export function useFormAction(run: () => Promise<void>, fallback: string) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : fallback);
    } finally {
      setBusy(false);
    }
  }
  return { submit, busy, error, fail: (text: string | null) => setError(text) };
}
