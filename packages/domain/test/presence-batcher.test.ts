import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPresenceBatcher } from '../src/presence-batcher.ts';
import { RecordingBus } from './recording-bus.ts';

const sent = (bus: RecordingBus) =>
  bus.calls.flatMap((c) =>
    c.kind === 'emit' && c.event === 'presence:changed' ? [{ room: c.room, payload: c.payload }] : [],
  );

async function until(what: string, probe: () => boolean) {
  for (let i = 0; i < 200 && !probe(); i++) await sleep(5);
  assert.ok(probe(), what);
}

describe('presence batching', () => {
  it('a crowd arriving in one window is one event per tenant, not one per person', async () => {
    const bus = new RecordingBus();
    const batcher = createPresenceBatcher(bus, 30);
    for (let id = 1; id <= 1000; id++) batcher.record('tenant_a', id, true);
    batcher.record('tenant_b', 7, true);
    assert.equal(sent(bus).length, 0, 'nothing before the window ends');
    await until('both tenants flushed', () => sent(bus).length === 2);
    const [a, b] = sent(bus);
    assert.equal(a!.room, 'tenant_a:all');
    assert.deepEqual((a!.payload as { online: number[] }).online.length, 1000);
    assert.deepEqual(b!.payload, { online: [7], offline: [] });
  });

  it('each user once, with their last state; the next window starts with the next change', async () => {
    const bus = new RecordingBus();
    const batcher = createPresenceBatcher(bus, 30);
    batcher.record('t', 1, true);
    batcher.record('t', 2, true);
    batcher.record('t', 1, false); // came and went
    batcher.record('t', 3, false);
    await until('flushed', () => sent(bus).length === 1);
    assert.deepEqual(sent(bus)[0]!.payload, { online: [2], offline: [1, 3] });
    batcher.record('t', 2, false);
    await until('second window', () => sent(bus).length === 2);
    assert.deepEqual(sent(bus)[1]!.payload, { online: [], offline: [2] });
  });

  it('window 0 sends at once; flushAll sends what waits', () => {
    const bus = new RecordingBus();
    createPresenceBatcher(bus, 0).record('t', 1, true);
    assert.deepEqual(sent(bus)[0]!.payload, { online: [1], offline: [] });
    const later = new RecordingBus();
    const batcher = createPresenceBatcher(later, 60_000);
    batcher.record('t', 5, false);
    batcher.flushAll();
    assert.deepEqual(sent(later)[0]!.payload, { online: [], offline: [5] });
  });
});
