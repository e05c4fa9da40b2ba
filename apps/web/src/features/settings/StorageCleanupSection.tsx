import type { UploadCleanupReply } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { ApiError, call } from '../../lib/http.ts';
import { FormMessage, type Said } from '../../ui/FormMessage.tsx';

type Report = UploadCleanupReply['report'];

/**
 * Settings → Storage: how many stored files nothing uses any more (checked on click, a dry run),
 * and a button to delete them now instead of waiting for the periodic cleanup.
 */
export function StorageCleanupSection() {
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Said | null>(null);
  const run = async (dryRun: boolean) => {
    setBusy(true);
    setMessage(null);
    try {
      const { report: next } = await call<UploadCleanupReply>('POST', '/api/uploads/cleanup', { dryRun });
      setReport(next);
      if (!dryRun)
        setMessage({
          text: `Deleted ${next.deleted} unused file${next.deleted === 1 ? '' : 's'}.`,
          error: false,
        });
    } catch (err) {
      setMessage({ text: err instanceof ApiError ? err.message : 'That did not work', error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="profile" aria-label="Storage">
      <h3>Storage</h3>
      <p class="dialog__hint">
        Files nothing uses any more (replaced pictures, images never sent) are deleted automatically once they
        are a day old.
      </p>
      {report && (
        <p role="status">
          {report.objects} stored files: {report.inUse} in use, {report.recent} unused but recent,{' '}
          {report.orphans.length} unused and older than a day.
        </p>
      )}
      <div class="dialog__actions dialog__actions--start">
        <button type="button" class="btn" disabled={busy} onClick={() => void run(true)}>
          Check unused files
        </button>
        {report && report.orphans.length > 0 && (
          <button type="button" class="btn btn--danger" disabled={busy} onClick={() => void run(false)}>
            Delete {report.orphans.length} unused file{report.orphans.length === 1 ? '' : 's'} now
          </button>
        )}
      </div>
      <FormMessage message={message} />
    </section>
  );
}
