import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceClass } from '../src/device.ts';
import { membershipText } from '../src/group-service.ts';
import { baseHandle, extractMentions, uniqueHandle } from '../src/handle.ts';

describe('handles', () => {
  it('lower-cases, folds accents and joins words with dots', () => {
    assert.equal(baseHandle('Brett Watson'), 'brett.watson');
    assert.equal(baseHandle('  Zoë  Ångström '), 'zoe.angstrom');
    assert.equal(baseHandle('Jean-Luc Picard'), 'jean.luc.picard');
    assert.equal(baseHandle("O'Brien"), 'o.brien');
  });
  it('transliterates letters that have no accent to strip, never dropping them', () => {
    assert.equal(baseHandle('Straße'), 'strasse');
    assert.equal(baseHandle('Łukasz Øster'), 'lukasz.oster');
    assert.equal(baseHandle('Ægir Þór'), 'aegir.thor');
  });
  it('falls back to "user" when nothing is left', () => {
    assert.equal(baseHandle('!!!'), 'user');
    assert.equal(baseHandle('李'), 'user');
  });
  it('adds the first free number on collision', () => {
    assert.equal(uniqueHandle('Brett Watson', new Set()), 'brett.watson');
    assert.equal(uniqueHandle('Brett Watson', new Set(['brett.watson'])), 'brett.watson2');
    assert.equal(uniqueHandle('Brett Watson', new Set(['brett.watson', 'brett.watson2'])), 'brett.watson3');
  });
  it('finds mentions, @here and @channel, but not emails', () => {
    assert.deepEqual(extractMentions('hi @brett.watson and @here, mail bob@example.com'), [
      'brett.watson',
      'here',
    ]);
    assert.deepEqual(extractMentions('@channel.'), ['channel']);
    assert.deepEqual(extractMentions('no mentions'), []);
  });
});

describe('membership system messages (docs/PRODUCT.md §3)', () => {
  it('names one user and counts several', () => {
    assert.equal(membershipText('joined', ['Ann']), 'Ann has joined the conversation.');
    assert.equal(membershipText('removed', ['Ann']), 'Ann has been removed from the conversation.');
    assert.equal(membershipText('joined', ['A', 'B']), '2 new members have joined the conversation.');
    assert.equal(
      membershipText('removed', ['A', 'B', 'C']),
      '3 members have been removed from the conversation.',
    );
  });
});

describe('device class', () => {
  it('prefers the explicit field, then the User-Agent', () => {
    assert.equal(deviceClass('mobile', 'Mozilla/5.0 (X11; Linux x86_64)'), 'mobile');
    assert.equal(
      deviceClass(undefined, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile'),
      'mobile',
    );
    assert.equal(deviceClass(undefined, 'Mozilla/5.0 (Linux; Android 14) Mobile'), 'mobile');
    assert.equal(deviceClass(undefined, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'), 'desktop');
    assert.equal(deviceClass(undefined, undefined), 'desktop');
  });
});
