import type { EventType, Occurrence } from '@rosterchirp/protocol/client';
import { addDays, dayKey, monthGrid, sameDay, startOfDay, startOfWeek } from './calendar-dates.ts';
import { OccurrenceChip } from './OccurrenceChip.tsx';

interface ViewProps {
  occurrences: Occurrence[];
  types: ReadonlyMap<number, EventType>;
  now: Date;
  onOpen: (o: Occurrence) => void;
}

/** Occurrences by the local day they start on. */
function byDay(occurrences: Occurrence[]): Map<string, Occurrence[]> {
  const days = new Map<string, Occurrence[]>();
  for (const o of occurrences) {
    const key = dayKey(new Date(o.start));
    days.set(key, [...(days.get(key) ?? []), o]);
  }
  return days;
}

/** A day's occurrences as chips (`long`: with place and answers). */
function chips(list: Occurrence[], props: ViewProps, long: boolean) {
  return list.map((o) => (
    <OccurrenceChip
      key={`${o.eventId}@${o.start}`}
      occurrence={o}
      types={props.types}
      now={props.now}
      onOpen={props.onOpen}
      long={long}
    />
  ));
}

const WEEKDAY_NAMES = Array.from({ length: 7 }, (_, i) =>
  addDays(startOfWeek(new Date()), i).toLocaleDateString([], { weekday: 'short' }),
);

/** A month as a Monday-first grid; days of other months and past days are dimmed. */
export function MonthView(props: ViewProps & { month: Date }) {
  const days = byDay(props.occurrences);
  const today = startOfDay(props.now);
  return (
    <table class="month">
      <caption class="visually-hidden">
        {props.month.toLocaleDateString([], { month: 'long', year: 'numeric' })}
      </caption>
      <thead>
        <tr>
          {WEEKDAY_NAMES.map((name) => (
            <th scope="col" key={name}>
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {monthGrid(props.month).map((week) => (
          <tr key={dayKey(week[0]!)}>
            {week.map((day) => (
              <td
                key={dayKey(day)}
                class={`month__day${day.getMonth() !== props.month.getMonth() ? ' month__day--other' : ''}${day < today ? ' month__day--past' : ''}${sameDay(day, today) ? ' month__day--today' : ''}`}
              >
                <span class="month__date">{day.getDate()}</span>
                {chips(days.get(dayKey(day)) ?? [], props, false)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Seven columns, Monday first, each day's occurrences in time order. */
export function WeekView(props: ViewProps & { week: Date }) {
  const days = byDay(props.occurrences);
  const first = startOfWeek(props.week);
  return (
    <div class="week">
      {Array.from({ length: 7 }, (_, i) => addDays(first, i)).map((day) => (
        <section key={dayKey(day)} class={`week__day${sameDay(day, props.now) ? ' week__day--today' : ''}`}>
          <h3>{day.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })}</h3>
          {chips(days.get(dayKey(day)) ?? [], props, true)}
        </section>
      ))}
    </div>
  );
}

/** A list by day (the agenda, and the results of a filter). */
export function AgendaView(props: ViewProps & { empty: string }) {
  const days = [...byDay(props.occurrences).entries()];
  if (days.length === 0) return <p class="schedule__empty">{props.empty}</p>;
  return (
    <div class="agenda">
      {days.map(([key, list]) => (
        <section key={key} class="agenda__day">
          <h3>
            {new Date(list[0]!.start).toLocaleDateString([], {
              weekday: 'long',
              day: 'numeric',
              month: 'long',
            })}
          </h3>
          {chips(list, props, true)}
        </section>
      ))}
    </div>
  );
}
