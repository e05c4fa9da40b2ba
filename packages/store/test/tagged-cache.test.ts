import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaggedCache } from '../src/tagged-cache.ts';

describe('TaggedCache', () => {
  it('forgets every entry of a tag, and expires entries after the TTL', () => {
    let now = 0;
    const cache = new TaggedCache<string>(1000, 10, () => now);
    cache.set('a', 'A', ['user:1', 'group:1'], cache.snapshot(['user:1', 'group:1']));
    cache.set('b', 'B', ['user:2', 'group:1'], cache.snapshot(['user:2', 'group:1']));
    cache.set('c', 'C', ['user:2'], cache.snapshot(['user:2']));
    cache.forgetTag('group:1');
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, undefined, 'C']);
    now = 1000;
    assert.equal(cache.get('c'), undefined, 'expired');
  });

  it('refuses an answer read before its own tag was forgotten, not before another tag was', () => {
    const cache = new TaggedCache<string>(1000, 10);
    const mine = cache.snapshot(['user:1']);
    cache.forgetTag('user:2');
    cache.set('a', 'A', ['user:1'], mine);
    assert.equal(cache.get('a'), 'A', "another person's change does not matter");
    const stale = cache.snapshot(['user:1']);
    cache.forgetTag('user:1');
    cache.set('a2', 'old', ['user:1'], stale);
    assert.equal(cache.get('a2'), undefined, 'read before the change: not kept');
    const beforeClear = cache.snapshot(['user:3']);
    cache.clear();
    cache.set('x', 'X', ['user:3'], beforeClear);
    assert.equal(cache.get('x'), undefined, 'read before everything was forgotten: not kept');
    assert.throws(
      () => cache.set('y', 'Y', ['user:9'], cache.snapshot(['user:1'])),
      /not all in the snapshot/,
    );
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new TaggedCache<number>(1000, 3);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, [`t${i}`], cache.snapshot([`t${i}`]));
    assert.equal(cache.size, 3);
    assert.deepEqual([cache.get('k0'), cache.get('k1'), cache.get('k4')], [undefined, undefined, 4]);
  });
});
