import type { EditScope, EventDetail, EventType, Occurrence, RsvpStatus } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { timeText } from './calendar-dates.ts';
import { scheduleApi } from './schedule-api.ts';

/** The occurrence a dialog shows: from the calendar, or only its event and start (a reminder). */
export type OpenOccurrence = Pick<Occurrence, 'eventId' | 'start'> & { title?: string };

const ANSWERS: Array<[RsvpStatus, string]> = [
  ['going', 'Going'],
  ['maybe', 'Maybe'],
  ['not_going', 'Not going'],
];
const SCOPES: Array<[EditScope, string]> = [
  ['occurrence', 'This occurrence'],
  ['following', 'This and following'],
  ['series', 'All occurrences'],
];

function when(detail: EventDetail): string {
  const span = detail.occurrence ?? { start: detail.event.start, end: detail.event.end };
  const start = new Date(span.start);
  const end = new Date(span.end);
  const day = start.toLocaleDateString([], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return detail.event.allDay ? `${day}, all day` : `${day}, ${timeText(start)} – ${timeText(end)}`;
}

/**
 * One occurrence: when, where, for whom, how it repeats; everyone's answers with the caller's
 * own to choose; for managers, edit and delete — a recurring event asks which occurrences.
 */
export function EventDialog(props: {
  occurrence: OpenOccurrence;
  types: ReadonlyMap<number, EventType>;
  refreshKey: number;
  onEdit: (detail: EventDetail, scope: EditScope) => void;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<'edit' | 'delete' | null>(null);
  const { eventId, start } = props.occurrence;
  useEffect(() => {
    scheduleApi
      .event(eventId, start)
      .then(setDetail, (err: unknown) =>
        setError(err instanceof ApiError ? err.message : 'Could not load the event'),
      );
  }, [eventId, start, props.refreshKey]);

  const answer = async (status: RsvpStatus) => {
    try {
      const { rsvp } = await scheduleApi.rsvp(eventId, start, status);
      setDetail((d) => (d ? { ...d, rsvp } : d));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save your answer');
    }
  };
  const remove = async (scope?: EditScope) => {
    try {
      await scheduleApi.remove(eventId, scope, scope ? start : undefined);
      props.onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not delete the event');
    }
  };
  const act = (what: 'edit' | 'delete') => {
    if (!detail) return;
    if (detail.event.recurrence) setAsking(what);
    else if (what === 'edit') props.onEdit(detail, 'series');
    else void remove();
  };

  const type = detail ? props.types.get(detail.event.typeId) : undefined;
  const rsvp = detail?.rsvp;
  return (
    <Dialog
      label="Event"
      title={detail?.event.title ?? props.occurrence.title ?? 'Event'}
      onClose={props.onClose}
    >
      {!detail && !error && <p>Loading…</p>}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {detail && (
        <div class="event-detail">
          <p class="event-detail__when">{when(detail)}</p>
          {type && (
            <p>
              <span class="event-detail__type" style={{ '--event-color': type.color }}>
                {type.name}
              </span>
              {detail.event.recurrence && (
                <span class="event-detail__repeat"> · repeats {detail.event.recurrence.freq}</span>
              )}
            </p>
          )}
          {detail.event.location && <p>📍 {detail.event.location}</p>}
          {detail.event.description && <p class="event-detail__description">{detail.event.description}</p>}
          {rsvp && (
            <section class="event-detail__rsvp" aria-label="Who is coming">
              <fieldset class="event-detail__answers">
                <legend class="visually-hidden">Your answer</legend>
                {ANSWERS.map(([status, label]) => (
                  <button
                    key={status}
                    type="button"
                    class={`btn${rsvp.mine === status ? ' btn--primary' : ''}`}
                    aria-pressed={rsvp.mine === status}
                    onClick={() => void answer(status)}
                  >
                    {label}
                  </button>
                ))}
              </fieldset>
              <p class="event-detail__counts">
                {rsvp.going} going · {rsvp.maybe} maybe · {rsvp.notGoing} not going
              </p>
              {rsvp.people.length > 0 && (
                <ul class="event-detail__people">
                  {rsvp.people.map((p) => (
                    <li key={p.userId}>
                      {p.name} <small>{ANSWERS.find(([s]) => s === p.status)?.[1]}</small>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {detail.event.canEdit && !asking && (
            <div class="dialog__actions">
              <button type="button" class="btn btn--danger" onClick={() => act('delete')}>
                Delete
              </button>
              <button type="button" class="btn btn--primary" onClick={() => act('edit')}>
                Edit
              </button>
            </div>
          )}
          {asking && (
            <fieldset class="event-detail__scope">
              <legend>{asking === 'edit' ? 'Change which occurrences?' : 'Delete which occurrences?'}</legend>
              {SCOPES.map(([scope, label]) => (
                <button
                  key={scope}
                  type="button"
                  class={`btn${asking === 'delete' ? ' btn--danger' : ''}`}
                  onClick={() => (asking === 'edit' ? props.onEdit(detail, scope) : void remove(scope))}
                >
                  {label}
                </button>
              ))}
              <button type="button" class="link-btn" onClick={() => setAsking(null)}>
                Cancel
              </button>
            </fieldset>
          )}
        </div>
      )}
    </Dialog>
  );
}
