import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import type { Said } from '../../ui/FormMessage.tsx';

/** Runs an API action and says how it went (the section's FormMessage shows it). */
export function useAction(onDone?: () => void) {
  const [said, setSaid] = useState<Said | null>(null);
  const run = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    try {
      await work();
      setSaid({ text: done, error: false });
      onDone?.();
      return true;
    } catch (err) {
      setSaid({ text: err instanceof ApiError ? err.message : 'That did not work', error: true });
      return false;
    }
  };
  return { said, setSaid, run };
}

/** A secret shown once: selectable, with a copy button. */
export function ShownOnce(props: { label: string; value: string }) {
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{props.label}</strong> — copy it now, it is not shown again.
      </p>
      <code class="shown-once__value">{props.value}</code>
      <button
        type="button"
        class="btn btn--small"
        onClick={() => void navigator.clipboard?.writeText(props.value).catch(() => undefined)}
      >
        Copy
      </button>
    </div>
  );
}
