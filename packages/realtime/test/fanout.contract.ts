/**
 * The fan-out contract: what the EventBus promises, whatever carries it (socket.io's memory
 * adapter on one instance, the sharded or classic Redis adapter across instances) and whoever
 * listens (a socket.io client or an `/api/stream` connection bridged into the same rooms).
 * Every adapter and every transport runs this same suite (test/fanout.test.ts), so an upgrade
 * of socket.io, its adapter or its parser that changes what the stream bridge relies on fails
 * here before it reaches a deployment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventBus } from '@rosterchirp/protocol';

/** Someone listening: what they heard, in order, and whether their connection was closed. */
export interface Recipient {
  readonly heard: Array<{ event: string; data: unknown }>;
  readonly closed: boolean;
  detach(): Promise<void>;
}

export interface FanoutNode {
  bus: EventBus;
  /** A socket.io client connected to this node, in `rooms` before this resolves. */
  socketIn(rooms: string[]): Promise<Recipient>;
  /** An `/api/stream`-style connection bridged into `rooms` on this node. */
  streamIn(rooms: string[]): Promise<Recipient>;
}

export interface FanoutWorld {
  /** One node per instance; memory has one, Redis adapters two. */
  nodes: FanoutNode[];
  close(): Promise<void>;
}

async function waitFor(what: string, check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the suite sends its own test events through the typed bus
const emit = (bus: EventBus, room: string | string[], event: string, payload: unknown, opts?: any) =>
  bus.emit(room, event as never, payload as never, opts);

const count = (r: Recipient, event: string, tag?: unknown) =>
  r.heard.filter((h) => h.event === event && (tag === undefined || (h.data as { tag?: unknown }).tag === tag))
    .length;

export function fanoutContract(name: string, makeWorld: () => Promise<FanoutWorld>) {
  describe(`fan-out contract: ${name}`, () => {
    let world: FanoutWorld;
    let recipients: Recipient[] = [];
    let roomSeq = 0;
    const room = (label: string) => `t_contract:${label}:${++roomSeq}`;
    const node = (i: number) => world.nodes[i % world.nodes.length]!;
    /** One socket.io client and one stream on every node, in `rooms`. */
    const everywhere = async (rooms: string[]) => {
      const made: Recipient[] = [];
      for (const n of world.nodes) made.push(await n.socketIn(rooms), await n.streamIn(rooms));
      recipients.push(...made);
      await subscribed(rooms, made);
      return made;
    };
    /**
     * A join returns before a Redis adapter's subscription to a new room is live everywhere (on
     * a Redis Cluster the subscriber connection of the room's master may still be opening), and
     * an event published in that window reaches nobody on that node — clients catch up on
     * reconnect for that reason. The contract is about members already in: probe every room
     * from every node until all of them hear it (probes are an event the tests never count).
     */
    const subscribed = async (rooms: string[], listeners: Recipient[]) => {
      const until = Date.now() + 10_000;
      for (;;) {
        const tag = `probe-${++roomSeq}`;
        for (const n of world.nodes) for (const r of rooms) emit(n.bus, r, 'contract:probe', { tag });
        const heardAll = () =>
          listeners.every((l) => count(l, 'contract:probe', tag) >= world.nodes.length * rooms.length);
        const settle = Date.now() + 250;
        while (!heardAll() && Date.now() < settle) await new Promise((r) => setTimeout(r, 5));
        if (heardAll()) return;
        if (Date.now() > until) throw new Error(`rooms ${rooms.join(', ')} never subscribed everywhere`);
      }
    };
    /** Sent after the events under test to the same rooms: once it is in, nothing else is coming. */
    const barrier = async (rooms: string[], listeners: Recipient[]) => {
      const tag = `barrier-${++roomSeq}`;
      for (const r of rooms) emit(node(0).bus, r, 'contract:barrier', { tag });
      await waitFor(`${tag} everywhere`, () => listeners.every((l) => count(l, 'contract:barrier', tag) > 0));
    };

    before(async () => {
      world = await makeWorld();
    });
    after(async () => {
      for (const r of recipients) await r.detach();
      await world?.close();
    });

    it('delivers an event to every member of the room once, on every node and transport, and to nobody else', async () => {
      const team = room('team');
      const elsewhere = room('elsewhere');
      const members = await everywhere([team]);
      const outsiders = await everywhere([elsewhere]);
      for (const [i] of world.nodes.entries())
        emit(node(i).bus, team, 'contract:event', { tag: `from-${i}` });
      await waitFor('every member heard every node', () =>
        members.every((m) => world.nodes.every((_, i) => count(m, 'contract:event', `from-${i}`) === 1)),
      );
      await barrier([team, elsewhere], [...members, ...outsiders]);
      for (const m of members)
        assert.equal(count(m, 'contract:event'), world.nodes.length, 'exactly once each');
      for (const o of outsiders) assert.equal(count(o, 'contract:event'), 0, 'nobody outside the room');
    });

    it('an event to several rooms reaches a member of two of them once, and skips the excepted room', async () => {
      const a = room('a');
      const b = room('b');
      const quiet = room('quiet');
      const both = await everywhere([a, b]);
      const onlyB = await everywhere([b]);
      const excepted = await everywhere([a, quiet]);
      emit(node(0).bus, [a, b], 'contract:event', { tag: 'multi' });
      emit(
        node(world.nodes.length - 1).bus,
        [a, b],
        'contract:event',
        { tag: 'except' },
        { exceptRoom: quiet },
      );
      // On a Redis Cluster rooms a and b are channels on different masters: nothing orders one
      // room's events after another's, so wait for what must arrive before the barrier that
      // proves what must not.
      await waitFor(
        'every member heard both events once',
        () =>
          [...both, ...onlyB].every(
            (r) => count(r, 'contract:event', 'multi') === 1 && count(r, 'contract:event', 'except') === 1,
          ) && excepted.every((r) => count(r, 'contract:event', 'multi') === 1),
      );
      await barrier([a, b], [...both, ...onlyB, ...excepted]);
      for (const r of [...both, ...onlyB]) {
        assert.equal(count(r, 'contract:event', 'multi'), 1);
        assert.equal(count(r, 'contract:event', 'except'), 1);
      }
      for (const r of excepted) {
        assert.equal(count(r, 'contract:event', 'multi'), 1);
        assert.equal(count(r, 'contract:event', 'except'), 0, 'the excepted room heard nothing');
      }
    });

    it('join and leave from any node move every connection of a room, wherever it is connected', async () => {
      const person = room('user');
      const chat = room('chat');
      const theirs = await everywhere([person]);
      /** Probes the chat until every connection hears it (joined) or none does (left). */
      const probeUntil = async (label: string, heardBy: number) => {
        for (let k = 0; k < 100; k++) {
          const tag = `${label}-${k}`;
          emit(node(0).bus, chat, 'contract:event', { tag });
          await barrier([person], theirs);
          if (theirs.filter((r) => count(r, 'contract:event', tag) === 1).length === heardBy) return;
        }
        assert.fail(`${label}: the connections never all moved`);
      };
      node(0).bus.join(person, [chat]);
      await probeUntil('joined', theirs.length);
      node(world.nodes.length - 1).bus.leave(person, [chat]);
      await probeUntil('left', 0);
    });

    it('disconnect closes every connection of the room on every node, and only those', async () => {
      const doomed = room('doomed');
      const spared = room('spared');
      const victims = await everywhere([doomed]);
      const survivors = await everywhere([spared]);
      node(0).bus.disconnect(doomed);
      await waitFor('every connection in the room closed', () => victims.every((v) => v.closed));
      await barrier([spared], survivors);
      for (const s of survivors) assert.equal(s.closed, false);
    });

    it('payloads arrive exactly as sent: text of any kind, nesting, numbers, empty objects', async () => {
      const exact = room('exact');
      const listeners = await everywhere([exact]);
      const payloads = [
        {
          tag: 'text',
          text: 'quotes " and \\ and ] and [ and , and } and emoji 🎉 and ünïcödé and \u2028 and \n',
        },
        {
          tag: 'nested',
          list: [1, [2, [3, { deep: true }]]],
          none: null,
          n: -12.75,
          tiny: 1e-7,
          big: Number.MAX_SAFE_INTEGER,
        },
        { tag: 'empty' },
        { tag: 'prefix-like', text: '2["fake",{}]' },
      ];
      for (const p of payloads) emit(node(0).bus, exact, 'contract:event', p);
      await barrier([exact], listeners);
      for (const l of listeners) {
        assert.deepEqual(
          l.heard.filter((h) => h.event === 'contract:event').map((h) => h.data),
          payloads,
        );
      }
    });

    it('keeps the order of events to one room for every listener', async () => {
      const ordered = room('ordered');
      const listeners = await everywhere([ordered]);
      const origin = node(world.nodes.length - 1).bus;
      for (let i = 0; i < 200; i++) emit(origin, ordered, 'contract:seq', { i });
      await waitFor('200 events everywhere', () => listeners.every((l) => count(l, 'contract:seq') === 200));
      for (const l of listeners) {
        assert.deepEqual(
          l.heard.filter((h) => h.event === 'contract:seq').map((h) => (h.data as { i: number }).i),
          Array.from({ length: 200 }, (_, i) => i),
        );
      }
    });

    it('a detached listener hears nothing more, and the others carry on', async () => {
      const shrinking = room('shrinking');
      const [gone, ...staying] = await everywhere([shrinking]);
      await gone!.detach();
      recipients = recipients.filter((r) => r !== gone);
      const before = gone!.heard.length;
      emit(node(0).bus, shrinking, 'contract:event', { tag: 'after-detach' });
      await barrier([shrinking], staying);
      assert.equal(gone!.heard.length, before);
      for (const s of staying) assert.equal(count(s, 'contract:event', 'after-detach'), 1);
    });
  });
}
