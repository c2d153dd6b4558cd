// Relative times in the tree and the session picker follow VS Code's display language.
import * as assert from 'node:assert/strict';
import { relativeTime } from '../../../src/core/time';

describe('relative times', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('in English by default: just now, minutes, yesterday, weeks', () => {
    assert.equal(relativeTime('2026-12-04T11:59:40Z', now), 'just now');
    assert.equal(relativeTime('2026-12-04T11:55:00Z', now), '5 minutes ago');
    assert.equal(relativeTime('2026-12-03T11:00:00Z', now), 'yesterday');
    assert.equal(relativeTime('2026-11-20T12:00:00Z', now), '2 weeks ago');
    assert.equal(relativeTime('not a date', now), '');
  });

  it('in the display language VS Code gives, English for a tag Intl refuses', () => {
    assert.equal(relativeTime('2026-12-01T12:00:00Z', now, 'de'), 'vor 3 Tagen');
    assert.equal(relativeTime('2026-12-03T11:00:00Z', now, 'de'), 'gestern');
    assert.equal(relativeTime('2026-12-04T09:00:00Z', now, 'fr'), 'il y a 3 heures');
    assert.equal(relativeTime('2026-12-01T12:00:00Z', now, 'not a language tag!'), '3 days ago');
    assert.equal(relativeTime('2026-12-01T12:00:00Z', now), '3 days ago', 'English again after another language');
  });
});
