import type { EventType, Occurrence } from '@rosterchirp/protocol/client';
import { timeText } from './calendar-dates.ts';

/** One occurrence in a calendar: its type's colour, its time, greyed once it is over. */
export function OccurrenceChip(props: {
  occurrence: Occurrence;
  types: ReadonlyMap<number, EventType>;
  now: Date;
  onOpen: (o: Occurrence) => void;
  long?: boolean;
}) {
  const o = props.occurrence;
  const type = props.types.get(o.typeId);
  const past = new Date(o.end) <= props.now;
  return (
    <button
      type="button"
      class={`event-chip${past ? ' event-chip--past' : ''}`}
      style={{ '--event-color': type?.color ?? '#64748b' }}
      onClick={() => props.onOpen(o)}
      title={`${o.title}${o.location ? ` · ${o.location}` : ''}`}
    >
      <span class="event-chip__time">{o.allDay ? 'All day' : timeText(new Date(o.start))}</span>
      <span class="event-chip__title">{o.title}</span>
      {props.long && o.location && <span class="event-chip__where">{o.location}</span>}
      {props.long && (o.rsvp.going > 0 || o.rsvp.maybe > 0) && (
        <span class="event-chip__rsvp">
          {o.rsvp.going} going{o.rsvp.maybe ? `, ${o.rsvp.maybe} maybe` : ''}
        </span>
      )}
      {past && <span class="visually-hidden"> (over)</span>}
    </button>
  );
}
