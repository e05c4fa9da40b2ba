import type { Frequency, Weekday } from '@rosterchirp/protocol';
import { DateTime } from 'luxon';
import rrulePackage from 'rrule';

const { RRule } = rrulePackage;
type Rule = InstanceType<typeof RRule>;

/** How a stored series repeats (the API's recurrence, normalised). */
export interface RepeatRule {
  freq: Frequency;
  interval: number;
  byWeekday: Weekday[];
  /** Last possible occurrence start (inclusive), or null. */
  until: Date | null;
  count: number | null;
}

/** What decides when a series' occurrences are. */
export interface SeriesTiming {
  start: Date;
  end: Date;
  timeZone: string;
  allDay: boolean;
  repeat: RepeatRule | null;
  exceptions: readonly Date[];
}

export interface Span {
  start: Date;
  end: Date;
}

const FREQ = { daily: RRule.DAILY, weekly: RRule.WEEKLY, monthly: RRule.MONTHLY, yearly: RRule.YEARLY };
const DAY = {
  MO: RRule.MO,
  TU: RRule.TU,
  WE: RRule.WE,
  TH: RRule.TH,
  FR: RRule.FR,
  SA: RRule.SA,
  SU: RRule.SU,
};
const DAY_MS = 86_400_000;

/*
 * Recurrence is computed by rrule (RFC 5545) in "floating" time: a Date whose UTC fields are
 * the wall-clock time in the event's zone. Each occurrence's wall-clock start is then placed
 * in the zone by Luxon, so a weekly 09:00 stays 09:00 local across daylight-saving changes (a
 * time that does not exist that day moves forward by the gap, as RFC 5545 says).
 */

/** The wall-clock time of an instant in a zone, as a floating Date. */
export function toFloating(instant: Date, timeZone: string): Date {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return new Date(
    Date.UTC(
      local.year,
      local.month - 1,
      local.day,
      local.hour,
      local.minute,
      local.second,
      local.millisecond,
    ),
  );
}

/** The instant at which a zone's clocks show this floating wall-clock time. */
export function fromFloating(floating: Date, timeZone: string): Date {
  return DateTime.fromObject(
    {
      year: floating.getUTCFullYear(),
      month: floating.getUTCMonth() + 1,
      day: floating.getUTCDate(),
      hour: floating.getUTCHours(),
      minute: floating.getUTCMinutes(),
      second: floating.getUTCSeconds(),
      millisecond: floating.getUTCMilliseconds(),
    },
    { zone: timeZone },
  ).toJSDate();
}

/** The rrule of a series (floating time), built once per series version by the cache below. */
function buildRule(series: SeriesTiming, repeat: RepeatRule): Rule {
  return new RRule({
    freq: FREQ[repeat.freq],
    interval: repeat.interval,
    dtstart: toFloating(series.start, series.timeZone),
    ...(repeat.freq === 'weekly' && repeat.byWeekday.length
      ? { byweekday: repeat.byWeekday.map((d) => DAY[d]) }
      : {}),
    ...(repeat.until ? { until: toFloating(repeat.until, series.timeZone) } : {}),
    ...(repeat.count ? { count: repeat.count } : {}),
  });
}

const rules = new WeakMap<SeriesTiming, Rule>();
function ruleOf(series: SeriesTiming): Rule {
  let rule = rules.get(series);
  if (!rule) {
    rule = buildRule(series, series.repeat!);
    rules.set(series, rule);
  }
  return rule;
}

/** An occurrence's span from its floating start: the series' wall-clock length later. */
function spanAt(series: SeriesTiming, floatingStart: Date, wallLengthMs: number): Span {
  return {
    start: fromFloating(floatingStart, series.timeZone),
    end: fromFloating(new Date(floatingStart.getTime() + wallLengthMs), series.timeZone),
  };
}

const wallLength = (series: SeriesTiming) =>
  toFloating(series.end, series.timeZone).getTime() - toFloating(series.start, series.timeZone).getTime();

/**
 * The occurrences that overlap [from, to) — an ongoing one included — sorted by start, without
 * the series' exceptions. Only this range is expanded.
 */
export function occurrencesBetween(series: SeriesTiming, from: Date, to: Date): Span[] {
  if (!series.repeat) {
    return series.start < to && series.end > from ? [{ start: series.start, end: series.end }] : [];
  }
  const length = wallLength(series);
  // Floating and real instants differ by at most a day's offset: widen, then filter exactly.
  const after = new Date(toFloating(from, series.timeZone).getTime() - length - DAY_MS);
  const before = new Date(toFloating(to, series.timeZone).getTime() + DAY_MS);
  const skipped = new Set(series.exceptions.map((d) => d.getTime()));
  return ruleOf(series)
    .between(after, before, true)
    .map((floating) => spanAt(series, floating, length))
    .filter((o) => o.start < to && o.end > from && !skipped.has(o.start.getTime()));
}

/** Whether a series has an occurrence starting exactly then (exceptions have none). */
export function isOccurrence(series: SeriesTiming, start: Date): boolean {
  const near = occurrencesBetween(series, new Date(start.getTime() - 1), new Date(start.getTime() + 1));
  return near.some((o) => o.start.getTime() === start.getTime());
}

/** The occurrence starting then, if the series has one. */
export function occurrenceAt(series: SeriesTiming, start: Date): Span | null {
  const near = occurrencesBetween(series, new Date(start.getTime() - 1), new Date(start.getTime() + 1));
  return near.find((o) => o.start.getTime() === start.getTime()) ?? null;
}

/** The end of the series' last occurrence, or null when it never ends. */
export function seriesEnd(series: SeriesTiming): Date | null {
  const repeat = series.repeat;
  if (!repeat) return series.end;
  if (!repeat.until && !repeat.count) return null;
  const all = ruleOf(series).all();
  const last = all[all.length - 1];
  if (!last) return series.end;
  return spanAt(series, last, wallLength(series)).end;
}

/** How many occurrences (exceptions counted) start before `at`: what a split leaves behind. */
export function occurrencesBefore(series: SeriesTiming, at: Date): number {
  if (!series.repeat) return series.start < at ? 1 : 0;
  const floatingAt = toFloating(at, series.timeZone);
  return ruleOf(series).between(new Date(-8.64e15), floatingAt, false).length;
}

/** The first occurrence starting at or after `at`, or null when the series has none left. */
export function nextOccurrence(series: SeriesTiming, at: Date): Span | null {
  if (!series.repeat) return series.start >= at ? { start: series.start, end: series.end } : null;
  const length = wallLength(series);
  const skipped = new Set(series.exceptions.map((d) => d.getTime()));
  let cursor = new Date(toFloating(at, series.timeZone).getTime() - DAY_MS);
  for (let tries = 0; tries < 1000; tries++) {
    const floating = ruleOf(series).after(cursor, false);
    if (!floating) return null;
    const span = spanAt(series, floating, length);
    if (span.start >= at && !skipped.has(span.start.getTime())) return span;
    cursor = floating;
  }
  return null;
}
