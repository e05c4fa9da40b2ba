import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rrulePackage from 'rrule';
import {
  fromFloating,
  nextOccurrence,
  occurrenceAt,
  occurrencesBefore,
  occurrencesBetween,
  type RepeatRule,
  type SeriesTiming,
  seriesEnd,
  toFloating,
} from '../src/schedule/recurrence.ts';

const { RRule } = rrulePackage;

const at = (iso: string) => new Date(iso);
const repeat = (r: Partial<RepeatRule> & Pick<RepeatRule, 'freq'>): RepeatRule => ({
  interval: 1,
  byWeekday: [],
  until: null,
  count: null,
  ...r,
});
const series = (s: Partial<SeriesTiming> & Pick<SeriesTiming, 'start' | 'end'>): SeriesTiming => ({
  timeZone: 'UTC',
  allDay: false,
  repeat: null,
  exceptions: [],
  ...s,
});
const starts = (spans: Array<{ start: Date }>) => spans.map((s) => s.start.toISOString());

describe('recurrence (rrule in the event time zone)', () => {
  it('a weekly 09:00 stays 09:00 local when clocks go forward (Europe/Paris, 29 March 2026)', () => {
    const s = series({
      start: at('2026-03-16T09:00:00+01:00'),
      end: at('2026-03-16T10:00:00+01:00'),
      timeZone: 'Europe/Paris',
      repeat: repeat({ freq: 'weekly' }),
    });
    const got = occurrencesBetween(s, at('2026-03-16T00:00:00Z'), at('2026-04-07T00:00:00Z'));
    assert.deepEqual(starts(got), [
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z', // 09:00 CEST
      '2026-04-06T07:00:00.000Z',
    ]);
    // Every occurrence lasts an hour.
    for (const o of got) assert.equal(o.end.getTime() - o.start.getTime(), 3600_000);
  });

  it('stays 09:00 local when clocks go back (America/New_York, 1 November 2026)', () => {
    const s = series({
      start: at('2026-10-26T09:00:00-04:00'),
      end: at('2026-10-26T09:30:00-04:00'),
      timeZone: 'America/New_York',
      repeat: repeat({ freq: 'daily', interval: 7 }),
    });
    const got = occurrencesBetween(s, at('2026-10-26T00:00:00Z'), at('2026-11-10T00:00:00Z'));
    assert.deepEqual(starts(got), [
      '2026-10-26T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-09T14:00:00.000Z',
    ]);
  });

  it('a time that does not exist on the switch day moves forward by the gap', () => {
    const s = series({
      start: at('2026-03-28T02:30:00+01:00'),
      end: at('2026-03-28T03:00:00+01:00'),
      timeZone: 'Europe/Paris',
      repeat: repeat({ freq: 'daily', count: 3 }),
    });
    const got = occurrencesBetween(s, at('2026-03-27T00:00:00Z'), at('2026-04-01T00:00:00Z'));
    assert.deepEqual(starts(got), [
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('monthly on the 31st skips months without one (RFC 5545)', () => {
    const s = series({
      start: at('2027-01-31T18:00:00Z'),
      end: at('2027-01-31T19:00:00Z'),
      repeat: repeat({ freq: 'monthly' }),
    });
    const got = occurrencesBetween(s, at('2027-01-01T00:00:00Z'), at('2027-09-01T00:00:00Z'));
    assert.deepEqual(
      got.map((o) => o.start.toISOString().slice(0, 10)),
      ['2027-01-31', '2027-03-31', '2027-05-31', '2027-07-31', '2027-08-31'],
    );
  });

  it('yearly on 29 February happens in leap years only', () => {
    const s = series({
      start: at('2028-02-29T12:00:00Z'),
      end: at('2028-02-29T13:00:00Z'),
      repeat: repeat({ freq: 'yearly' }),
    });
    const got = occurrencesBetween(s, at('2028-01-01T00:00:00Z'), at('2037-01-01T00:00:00Z'));
    assert.deepEqual(
      got.map((o) => o.start.toISOString().slice(0, 10)),
      ['2028-02-29', '2032-02-29', '2036-02-29'],
    );
  });

  it('weekly on chosen weekdays with an interval', () => {
    const s = series({
      start: at('2026-12-01T18:00:00Z'), // a Tuesday
      end: at('2026-12-01T19:30:00Z'),
      repeat: repeat({ freq: 'weekly', interval: 2, byWeekday: ['TU', 'TH'] }),
    });
    const got = occurrencesBetween(s, at('2026-12-01T00:00:00Z'), at('2026-12-31T00:00:00Z'));
    assert.deepEqual(
      got.map((o) => o.start.toISOString().slice(0, 10)),
      ['2026-12-01', '2026-12-03', '2026-12-15', '2026-12-17', '2026-12-29'],
    );
  });

  it('count and until end a series; seriesEnd is the end of the last occurrence', () => {
    const byCount = series({
      start: at('2026-12-01T10:00:00Z'),
      end: at('2026-12-01T11:00:00Z'),
      repeat: repeat({ freq: 'daily', count: 3 }),
    });
    assert.equal(
      occurrencesBetween(byCount, at('2026-11-01T00:00:00Z'), at('2027-01-01T00:00:00Z')).length,
      3,
    );
    assert.equal(seriesEnd(byCount)?.toISOString(), '2026-12-03T11:00:00.000Z');
    const byUntil = series({
      start: at('2026-12-01T10:00:00Z'),
      end: at('2026-12-01T11:00:00Z'),
      repeat: repeat({ freq: 'daily', until: at('2026-12-04T10:00:00Z') }),
    });
    assert.equal(
      occurrencesBetween(byUntil, at('2026-11-01T00:00:00Z'), at('2027-01-01T00:00:00Z')).length,
      4,
    );
    assert.equal(seriesEnd(byUntil)?.toISOString(), '2026-12-04T11:00:00.000Z');
    const endless = series({ ...byCount, repeat: repeat({ freq: 'daily' }) });
    assert.equal(seriesEnd(endless), null);
  });

  it('exceptions remove occurrences; occurrenceAt knows which starts are real', () => {
    const s = series({
      start: at('2026-12-01T10:00:00Z'),
      end: at('2026-12-01T11:00:00Z'),
      repeat: repeat({ freq: 'daily', count: 5 }),
      exceptions: [at('2026-12-03T10:00:00Z')],
    });
    const got = occurrencesBetween(s, at('2026-11-01T00:00:00Z'), at('2027-01-01T00:00:00Z'));
    assert.deepEqual(
      got.map((o) => o.start.toISOString().slice(0, 10)),
      ['2026-12-01', '2026-12-02', '2026-12-04', '2026-12-05'],
    );
    assert.equal(occurrenceAt(s, at('2026-12-03T10:00:00Z')), null);
    assert.equal(occurrenceAt(s, at('2026-12-02T10:30:00Z')), null);
    assert.equal(occurrenceAt(s, at('2026-12-02T10:00:00Z'))?.end.toISOString(), '2026-12-02T11:00:00.000Z');
    // Exceptions still count towards COUNT (RFC 5545): a split after the third keeps 3 behind.
    assert.equal(occurrencesBefore(s, at('2026-12-04T10:00:00Z')), 3);
    assert.equal(
      nextOccurrence(s, at('2026-12-02T10:00:01Z'))?.start.toISOString(),
      '2026-12-04T10:00:00.000Z',
    );
  });

  it('expands only the requested range, an ongoing occurrence included', () => {
    const s = series({
      start: at('2020-01-01T09:00:00Z'),
      end: at('2020-01-01T17:00:00Z'),
      repeat: repeat({ freq: 'daily' }),
    });
    const got = occurrencesBetween(s, at('2026-12-10T12:00:00Z'), at('2026-12-12T00:00:00Z'));
    assert.deepEqual(starts(got), ['2026-12-10T09:00:00.000Z', '2026-12-11T09:00:00.000Z']);
  });

  it('all-day events keep whole local days', () => {
    const s = series({
      start: at('2026-03-27T00:00:00+01:00'),
      end: at('2026-03-28T00:00:00+01:00'),
      timeZone: 'Europe/Paris',
      allDay: true,
      repeat: repeat({ freq: 'daily', count: 3 }),
    });
    const got = occurrencesBetween(s, at('2026-03-01T00:00:00Z'), at('2026-04-01T00:00:00Z'));
    assert.deepEqual(starts(got), [
      '2026-03-26T23:00:00.000Z',
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
    ]);
    // 29 March is 23 hours long in Paris.
    assert.equal(got[2]!.end.toISOString(), '2026-03-29T22:00:00.000Z');
  });

  it('a series started years ago lists the same occurrences as expanding from its first one', () => {
    // The listing starts rrule from a later, equivalent DTSTART; the oracle walks from the first.
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    const freqs = ['daily', 'weekly', 'monthly'] as const;
    const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
    const FREQ = { daily: RRule.DAILY, weekly: RRule.WEEKLY, monthly: RRule.MONTHLY };
    let checked = 0;
    for (let i = 0; i < 120; i++) {
      const freq = freqs[i % 3]!;
      const timeZone = zones[i % zones.length]!;
      const start = new Date(Date.UTC(2021, i % 12, 1 + ((i * 7) % 31), (i * 5) % 24, (i % 4) * 15));
      const byWeekday = freq === 'weekly' && i % 2 ? days.filter((_, d) => (i + d) % 3 === 0) : [];
      const s = series({
        start,
        end: new Date(start.getTime() + 45 * 60_000),
        timeZone,
        repeat: repeat({ freq, interval: 1 + (i % 3), byWeekday: [...byWeekday] }),
      });
      const from = new Date(Date.UTC(2026, (i * 5) % 12, 1 + (i % 28)));
      const to = new Date(from.getTime() + (20 + (i % 60)) * 86_400_000);
      const oracle = new RRule({
        freq: FREQ[freq],
        interval: 1 + (i % 3),
        dtstart: toFloating(start, timeZone),
        ...(byWeekday.length ? { byweekday: byWeekday.map((d) => RRule[d]) } : {}),
      })
        .between(
          new Date(toFloating(from, timeZone).getTime() - 2 * 86_400_000),
          toFloating(to, timeZone),
          true,
        )
        .map((f) => fromFloating(f, timeZone))
        .filter((d) => d.getTime() + 45 * 60_000 > from.getTime() && d < to)
        .map((d) => d.toISOString());
      assert.deepEqual(starts(occurrencesBetween(s, from, to)), oracle, `${freq} ${timeZone} #${i}`);
      checked += oracle.length;
    }
    assert.ok(checked > 500, `compared ${checked} occurrences`);
  });
});
