import type { EditScope } from '@rosterchirp/protocol';
import type { EventRow, EventWrite, StoredRecurrence } from '@rosterchirp/store';
import { invalid } from '../app-error.ts';
import { type EventInput, eventWriteFrom, inputOf, timingOf, withSeriesEnd } from './event-input.ts';
import { occurrenceAt, occurrencesBefore } from './recurrence.ts';

/**
 * What an edit of a recurring event writes, by scope (RFC 5545 style, without RECURRENCE-ID
 * rows: a changed occurrence becomes an event of its own and an exception of its series).
 * - series: the series itself; its exceptions and answers move with a changed start.
 * - occurrence: the series skips it; a one-off event takes its place (with its answers).
 * - following: the series ends before it; a new series starts there (with the later answers).
 */
export type EditPlan =
  | { kind: 'replace'; row: EventWrite; shiftMs: number }
  | { kind: 'detach'; series: EventWrite; detached: EventWrite; occurrenceStart: Date; shiftMs: number }
  | { kind: 'split'; series: EventWrite; rest: EventWrite; occurrenceStart: Date; shiftMs: number };

type Change = Partial<EventInput>;

const merged = (base: EventInput, change: Change): EventInput => {
  const out = { ...base };
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
};

/** The occurrence an edit names, which must be one of the series'. */
function namedOccurrence(existing: EventRow, occurrenceStart: Date | undefined) {
  if (!occurrenceStart) throw invalid('occurrenceStart', 'Say which occurrence (occurrenceStart)');
  const span = occurrenceAt(timingOf(existing), occurrenceStart);
  if (!span) throw invalid('occurrenceStart', 'The event has no occurrence at that time');
  return span;
}

export function planEdit(
  existing: EventRow,
  change: Change,
  scope: EditScope | undefined,
  occurrenceStart: Date | undefined,
): EditPlan {
  const base = inputOf(existing);
  if (!existing.recurrence || scope === undefined || scope === 'series') {
    const row = eventWriteFrom(merged(base, change), existing.createdBy);
    const shiftMs = row.start.getTime() - existing.start.getTime();
    // A series moved in time keeps its skipped dates in step with it.
    if (shiftMs !== 0 && row.recurrence && change.recurrence === undefined) {
      row.exceptions = existing.exceptions.map((d) => new Date(d.getTime() + shiftMs));
    }
    return { kind: 'replace', row: withSeriesEnd(row), shiftMs };
  }
  const occurrence = namedOccurrence(existing, occurrenceStart);
  const at = occurrence.start;
  if (scope === 'occurrence') {
    const detached = eventWriteFrom(
      merged(
        { ...base, start: at.toISOString(), end: occurrence.end.toISOString(), recurrence: null },
        {
          ...change,
          recurrence: null,
        },
      ),
      existing.createdBy,
    );
    const series = withSeriesEnd({ ...existing, exceptions: [...existing.exceptions, at] });
    return {
      kind: 'detach',
      series,
      detached,
      occurrenceStart: at,
      shiftMs: detached.start.getTime() - at.getTime(),
    };
  }
  // "This and following" from the first occurrence is the whole series.
  if (at.getTime() === existing.start.getTime()) return planEdit(existing, change, 'series', undefined);
  const old = existing.recurrence;
  const { series, before } = endedBefore(existing, old, at);
  const restBase: EventInput = {
    ...base,
    start: at.toISOString(),
    end: occurrence.end.toISOString(),
    recurrence: {
      ...base.recurrence!,
      count: old.count ? old.count - before : null,
      exceptions: existing.exceptions.filter((d) => d >= at).map((d) => d.toISOString()),
    },
  };
  const rest = eventWriteFrom(merged(restBase, change), existing.createdBy);
  const shiftMs = rest.start.getTime() - at.getTime();
  if (shiftMs !== 0 && change.recurrence === undefined) {
    rest.exceptions = rest.exceptions.map((d) => new Date(d.getTime() + shiftMs));
  }
  return { kind: 'split', series, rest: withSeriesEnd(rest), occurrenceStart: at, shiftMs };
}

/** What a delete of a recurring event writes, by scope: null deletes the row. */
export function planDelete(
  existing: EventRow,
  scope: EditScope | undefined,
  occurrenceStart: Date | undefined,
): EventWrite | null {
  if (!existing.recurrence || scope === undefined || scope === 'series') return null;
  const at = namedOccurrence(existing, occurrenceStart).start;
  if (scope === 'occurrence') return withSeriesEnd({ ...existing, exceptions: [...existing.exceptions, at] });
  if (at.getTime() === existing.start.getTime()) return null;
  return endedBefore(existing, existing.recurrence, at).series;
}

/**
 * The series cut just before the occurrence at `at` (a counted one keeps the occurrences
 * before it, others end a second earlier), with its exceptions from then on dropped; and how
 * many occurrences it keeps.
 */
function endedBefore(existing: EventRow, old: StoredRecurrence, at: Date) {
  const before = occurrencesBefore(timingOf(existing), at);
  const series = withSeriesEnd({
    ...existing,
    recurrence: old.count
      ? { ...old, count: before }
      : { ...old, until: new Date(at.getTime() - 1000).toISOString() },
    exceptions: existing.exceptions.filter((d) => d < at),
  });
  return { series, before };
}
