import type { Frequency, Weekday } from '@rosterchirp/protocol';
import { DateTime, IANAZone } from 'luxon';
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

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * A Luxon zone that remembers offsets. Every tz database transition since 1970 falls on a
 * quarter hour, so the offset at an instant is the offset at its quarter hour: one Intl lookup
 * per zone and quarter hour instead of one or two per occurrence.
 */
class RememberingZone extends IANAZone {
  private readonly offsets = new Map<number, number>();
  override offset(ts: number): number {
    const quarter = Math.floor(ts / QUARTER_HOUR_MS);
    let minutes = this.offsets.get(quarter);
    if (minutes === undefined) {
      if (this.offsets.size > 100_000) this.offsets.clear();
      minutes = super.offset(quarter * QUARTER_HOUR_MS);
      this.offsets.set(quarter, minutes);
    }
    return minutes;
  }
}
const zones = new Map<string, RememberingZone>();
function zoneOf(timeZone: string): RememberingZone {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = new RememberingZone(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** The wall-clock time of an instant in a zone, as a floating Date. */
export function toFloating(instant: Date, timeZone: string): Date {
  const local = DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) });
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

/**
 * The instant at which a zone's clocks show this floating wall-clock time: Luxon's own method
 * (guess with the offset there, correct once with the offset at the guess), on the remembering
 * zone. A time skipped by a forward change moves forward by the gap, as RFC 5545 says.
 */
export function fromFloating(floating: Date, timeZone: string): Date {
  const zone = zoneOf(timeZone);
  const wall = floating.getTime();
  const firstGuess = zone.offset(wall);
  const guess = wall - firstGuess * 60_000;
  const atGuess = zone.offset(guess);
  if (atGuess === firstGuess) return new Date(guess);
  const second = wall - atGuess * 60_000;
  const atSecond = zone.offset(second);
  if (atSecond === atGuess) return new Date(second);
  // In a gap: the later of the two offsets (the clock after the change).
  return new Date(wall - Math.min(atGuess, atSecond) * 60_000);
}

/**
 * The rrule of a series (floating time), from its own DTSTART or an equivalent later one.
 * Rules are pure values, so each distinct one is built once per process (bounded) and rrule's
 * own cache answers a repeated range (a month many people look at) without walking it again.
 */
function buildRule(series: SeriesTiming, repeat: RepeatRule, anchor?: Anchor): Rule {
  const dtstart = anchor?.dtstart ?? toFloating(series.start, series.timeZone);
  const until = repeat.until ? toFloating(repeat.until, series.timeZone) : null;
  const weekdays = repeat.freq === 'weekly' ? repeat.byWeekday : [];
  const key = [
    repeat.freq,
    repeat.interval,
    dtstart.getTime(),
    anchor?.bymonthday ?? '',
    weekdays.join(','),
    until?.getTime() ?? '',
    repeat.count ?? '',
  ].join('|');
  let rule = builtRules.get(key);
  if (!rule) {
    if (builtRules.size >= RULES_KEPT) builtRules.clear();
    rule = new RRule({
      freq: FREQ[repeat.freq],
      interval: repeat.interval,
      dtstart,
      ...(anchor?.bymonthday ? { bymonthday: anchor.bymonthday } : {}),
      ...(weekdays.length ? { byweekday: weekdays.map((d) => DAY[d]) } : {}),
      ...(until ? { until } : {}),
      ...(repeat.count ? { count: repeat.count } : {}),
    });
    builtRules.set(key, rule);
  }
  return rule;
}
const RULES_KEPT = 20_000;
const builtRules = new Map<string, Rule>();

interface Anchor {
  dtstart: Date;
  bymonthday?: number;
}

const WEEK_MS = 7 * DAY_MS;

/**
 * A DTSTART shortly before `floatingAfter` from which a series without COUNT has exactly the
 * occurrences it has from its own DTSTART: whole periods later (days, weeks; months with the
 * day of the month kept explicit, so a monthly-on-the-31st still skips short months). rrule
 * walks every period from DTSTART, so a series started years ago would otherwise cost years of
 * iteration per listing. Yearly series and counted ones keep their own DTSTART.
 */
function anchorBefore(series: SeriesTiming, repeat: RepeatRule, floatingAfter: Date): Anchor | undefined {
  if (repeat.count || repeat.freq === 'yearly') return undefined;
  const dtstart = toFloating(series.start, series.timeZone);
  const gap = floatingAfter.getTime() - dtstart.getTime();
  if (gap <= 0) return undefined;
  const n = repeat.interval;
  if (repeat.freq === 'daily' || repeat.freq === 'weekly') {
    const period = (repeat.freq === 'daily' ? DAY_MS : WEEK_MS) * n;
    const periods = Math.floor(gap / period) - 1;
    return periods > 0 ? { dtstart: new Date(dtstart.getTime() + periods * period) } : undefined;
  }
  const months =
    (floatingAfter.getUTCFullYear() - dtstart.getUTCFullYear()) * 12 +
    (floatingAfter.getUTCMonth() - dtstart.getUTCMonth());
  const periods = Math.floor(months / n) - 1;
  if (periods <= 0) return undefined;
  return {
    dtstart: new Date(
      Date.UTC(
        dtstart.getUTCFullYear(),
        dtstart.getUTCMonth() + periods * n,
        1,
        dtstart.getUTCHours(),
        dtstart.getUTCMinutes(),
        dtstart.getUTCSeconds(),
      ),
    ),
    bymonthday: dtstart.getUTCDate(),
  };
}

const ruleOf = (series: SeriesTiming): Rule => buildRule(series, series.repeat!);

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
  const anchor = anchorBefore(series, series.repeat, after);
  const rule = anchor ? buildRule(series, series.repeat, anchor) : ruleOf(series);
  return rule
    .between(after, before, true)
    .map((floating) => spanAt(series, floating, length))
    .filter((o) => o.start < to && o.end > from && !skipped.has(o.start.getTime()));
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
