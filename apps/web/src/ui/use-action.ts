import { useState } from 'preact/hooks';
import { ApiError } from '../lib/http.ts';
import type { Said } from './FormMessage.tsx';

/**
 * Runs one of a section's API actions and says how it went (the section's FormMessage shows
 * `said`): `done` on success (then `onDone`), the ApiError's own message or `fallback` on failure.
 */
export function useAction(onDone?: () => void, fallback = 'That did not work') {
  const [said, setSaid] = useState<Said | null>(null);
  const run = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    try {
      await work();
      setSaid({ text: done, error: false });
      onDone?.();
      return true;
    } catch (err) {
      setSaid({ text: err instanceof ApiError ? err.message : fallback, error: true });
      return false;
    }
  };
  return { said, run };
}
