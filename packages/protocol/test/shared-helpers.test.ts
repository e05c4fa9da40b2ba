import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AVATAR_COLORS, avatarColor, initials } from '../src/avatar-color.ts';
import { messagePreview } from '../src/message-preview.ts';

describe('avatar colour (docs/PRODUCT.md §8)', () => {
  it('follows name.charCodeAt(0) % 8 over the fixed palette', () => {
    assert.deepEqual(AVATAR_COLORS, [
      '#1a73e8',
      '#ea4335',
      '#34a853',
      '#fa7b17',
      '#a142f4',
      '#00897b',
      '#e91e8c',
      '#0097a7',
    ]);
    assert.equal(avatarColor('Alice'), AVATAR_COLORS[65 % 8]);
    assert.equal(avatarColor('bob'), AVATAR_COLORS[98 % 8]);
    assert.equal(avatarColor('Émile'), AVATAR_COLORS['É'.charCodeAt(0) % 8]);
    assert.equal(avatarColor(''), AVATAR_COLORS[0]);
  });
  it('makes initials from the first and last word', () => {
    assert.equal(initials('Ada Lovelace'), 'AL');
    assert.equal(initials('ada'), 'A');
    assert.equal(initials('Mary Ann van Dyke'), 'MD');
    assert.equal(initials('  '), '?');
  });
});

describe('message preview', () => {
  it('shows 📷 Image for image-only messages and folds whitespace', () => {
    assert.equal(messagePreview('', true, false), '📷 Image');
    assert.equal(messagePreview('a\n\n b', false, false), 'a b');
    assert.equal(messagePreview('secret', false, true), 'Message deleted');
    assert.equal(messagePreview('x'.repeat(200), false, false).length, 120);
    assert.equal(
      messagePreview(
        'message **59** with *style*, _this_, ~~that~~, `code` and [a link](https://x.y)',
        false,
        false,
      ),
      'message 59 with style, this, that, code and a link',
    );
    assert.equal(
      messagePreview('2 * 3 * 4 and snake_case_name stay', false, false),
      '2 * 3 * 4 and snake_case_name stay',
    );
  });
});
