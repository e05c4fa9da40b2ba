import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantDb } from '@rosterchirp/db';
import { rooms } from '@rosterchirp/protocol';
import type { Actor } from '../src/context.ts';
import { createTypingService, TYPING_INTERVAL_MS } from '../src/typing-service.ts';
import { RecordingBus } from './recording-bus.ts';

const db = { schema: 'tenant_a' } as TenantDb;
const actor = { user: { id: 7 }, sessionId: '00000000-0000-4000-8000-000000000001' } as Actor;

function setup() {
  let clock = 1_000_000;
  let lookups = 0;
  const bus = new RecordingBus();
  const typing = createTypingService({
    bus,
    groups: {
      publicGroupIds: async () => {
        lookups++;
        return [1];
      },
    },
    now: () => clock,
  });
  const connection = { rooms: new Set([rooms.group('tenant_a', 42)]), throttle: typing.throttleState() };
  return { bus, typing, connection, tick: (ms: number) => (clock += ms), lookups: () => lookups };
}

describe('typing service', () => {
  it('relays to the conversation room, except the sender’s own session, at most once per interval', async () => {
    const { bus, typing, connection, tick } = setup();
    assert.equal(await typing.announce(db, actor, connection, 42), true);
    for (let i = 0; i < 100; i++) assert.equal(await typing.announce(db, actor, connection, 42), false);
    tick(TYPING_INTERVAL_MS);
    assert.equal(await typing.announce(db, actor, connection, 42), true);
    assert.deepEqual(bus.emitted('typing'), [
      {
        kind: 'emit',
        room: 'tenant_a:group:42',
        event: 'typing',
        payload: { groupId: 42, userId: 7 },
        exceptRoom: `tenant_a:session:${actor.sessionId}`,
      },
      {
        kind: 'emit',
        room: 'tenant_a:group:42',
        event: 'typing',
        payload: { groupId: 42, userId: 7 },
        exceptRoom: `tenant_a:session:${actor.sessionId}`,
      },
    ]);
  });

  it('public channels go to the tenant room; the list is looked up once per 30 s, not per event', async () => {
    const { bus, typing, connection, tick, lookups } = setup();
    await typing.announce(db, actor, connection, 1);
    tick(TYPING_INTERVAL_MS);
    await typing.announce(db, actor, connection, 1);
    assert.equal(lookups(), 1);
    assert.deepEqual(
      bus.emitted('typing').map((c) => c.room),
      ['tenant_a:all', 'tenant_a:all'],
    );
  });

  it('a conversation the connection is not in gets nothing (and the positive control does)', async () => {
    const { bus, typing, connection } = setup();
    assert.equal(await typing.announce(db, actor, connection, 99), false);
    assert.equal(bus.emitted('typing').length, 0);
    assert.equal(await typing.announce(db, actor, connection, 42), true);
    assert.equal(bus.emitted('typing').length, 1);
  });
});
