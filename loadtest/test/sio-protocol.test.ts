import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sio from '../k6/lib/sio.js';

describe('k6 socket.io protocol module', () => {
  it('builds the endpoint URL and the frames the server expects', () => {
    assert.equal(
      sio.socketIoUrl('https://chat.example.com/'),
      'wss://chat.example.com/socket.io/?EIO=4&transport=websocket',
    );
    assert.equal(
      sio.socketIoUrl('http://127.0.0.1:3000'),
      'ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket',
    );
    assert.equal(sio.connectFrame('abc'), '40{"token":"abc"}');
    assert.equal(sio.eventFrame('typing', { groupId: 1 }), '42["typing",{"groupId":1}]');
    assert.equal(sio.eventFrame('message:send', { groupId: 1 }, 7), '427["message:send",{"groupId":1}]');
  });

  it('decodes open, ping, connect, errors, events and acks', () => {
    assert.deepEqual(
      sio.decodeFrame('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'),
      {
        kind: 'open',
        sid: 's1',
        pingInterval: 25000,
      },
    );
    assert.deepEqual(sio.decodeFrame('2'), { kind: 'ping' });
    assert.equal(sio.replyTo(sio.decodeFrame('2')), '3');
    assert.deepEqual(sio.decodeFrame('40{"sid":"abc"}'), { kind: 'connected', sid: 'abc' });
    assert.deepEqual(sio.decodeFrame('44{"message":"UNAUTHENTICATED"}'), {
      kind: 'connect_error',
      message: 'UNAUTHENTICATED',
    });
    assert.deepEqual(sio.decodeFrame('42["message:new",{"message":{"id":5}}]'), {
      kind: 'event',
      event: 'message:new',
      data: { message: { id: 5 } },
    });
    assert.deepEqual(sio.decodeFrame('4312[{"ok":true}]'), { kind: 'ack', id: 12, data: { ok: true } });
    assert.deepEqual(sio.decodeFrame('42/admin,["x",1]'), { kind: 'event', event: 'x', data: 1 });
    assert.equal(sio.replyTo(sio.decodeFrame('42["x",1]')), null);
  });

  it('measures send→deliver latency from createdAt', () => {
    assert.equal(
      sio.deliveryLatencyMs(
        { createdAt: '2026-01-01T00:00:00.000Z' },
        Date.parse('2026-01-01T00:00:00.250Z'),
      ),
      250,
    );
  });
});
