import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { streamFrameFromPacket } from '../src/stream-bridge.ts';

describe('socket.io packet → stream frame', () => {
  it('turns an EVENT packet into {type, data}', () => {
    assert.equal(
      streamFrameFromPacket('2["message:new",{"message":{"id":1}}]'),
      '{"type":"message:new","data":{"message":{"id":1}}}',
    );
    assert.equal(
      streamFrameFromPacket('2/,["typing",{"groupId":3,"userId":4}]'),
      '{"type":"typing","data":{"groupId":3,"userId":4}}',
    );
  });
  it('gives empty data to events without a payload and ignores what is not an event', () => {
    assert.equal(streamFrameFromPacket('2["session:displaced"]'), '{"type":"session:displaced","data":{}}');
    assert.equal(streamFrameFromPacket('0{"sid":"x"}'), null);
    assert.equal(streamFrameFromPacket('3[1]'), null);
    assert.equal(streamFrameFromPacket(Buffer.from('x')), null);
  });
});
