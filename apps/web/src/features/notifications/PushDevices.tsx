import { useEffect, useState } from 'preact/hooks';
import { pushApi } from './push-api.ts';

type Device = Awaited<ReturnType<typeof pushApi.list>>['subscriptions'][number];

/** For admins: every device that receives notifications, and how its last delivery went. */
export function PushDevices() {
  const [devices, setDevices] = useState<Device[] | null>(null);
  useEffect(() => {
    void pushApi.list().then(
      (r) => setDevices(r.subscriptions),
      () => setDevices([]),
    );
  }, []);
  return (
    <details class="push-devices">
      <summary>Devices receiving notifications ({devices?.length ?? '…'})</summary>
      {devices?.length === 0 && <p class="dialog__hint">No device has turned notifications on yet.</p>}
      <ul>
        {devices?.map((d) => (
          <li key={`${d.userId}-${d.device}`}>
            User {d.userId} · {d.device} · {d.endpointHost} ·{' '}
            {d.lastError ? `last error: ${d.lastError}` : d.lastSuccessAt ? 'delivered' : 'nothing sent yet'}
          </li>
        ))}
      </ul>
    </details>
  );
}
