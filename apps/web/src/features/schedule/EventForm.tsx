import type {
  Audience,
  CreateEventBody,
  EditScope,
  EventType,
  Frequency,
  Group,
  ScheduleEvent,
  UserGroup,
  Weekday,
} from '@rosterchirp/protocol/client';
import { defaultEventStart, parseTimeOfDay, WEEKDAYS } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { useFormAction } from '../../ui/use-form-action.ts';
import {
  addDays,
  browserTimeZone,
  dateInput,
  fromDateInput,
  timeText,
  withOffset,
} from './calendar-dates.ts';
import { scheduleApi } from './schedule-api.ts';

const WEEKDAY_LABEL: Record<Weekday, string> = {
  MO: 'Mon',
  TU: 'Tue',
  WE: 'Wed',
  TH: 'Thu',
  FR: 'Fri',
  SA: 'Sat',
  SU: 'Sun',
};
const REMINDERS = [
  ['', 'No reminder'],
  ['0', 'At the start'],
  ['10', '10 minutes before'],
  ['30', '30 minutes before'],
  ['60', '1 hour before'],
  ['1440', '1 day before'],
] as const;
const weekdayOf = (d: Date): Weekday => WEEKDAYS[(d.getDay() + 6) % 7]!;

/** What the form edits: a new event, or an existing one from one of its occurrences. */
export interface EditTarget {
  event: ScheduleEvent;
  occurrence: { start: string; end: string };
  scope: EditScope;
}

/**
 * The event form (a dialog on desktop, a page of its own on a phone): title, type, day and
 * times typed freely ("930", "9:30pm", "21:30"), all day, place, who it is for, how it repeats,
 * a reminder. A new event starts at the next :00 or :30.
 */
export function EventForm(props: {
  types: EventType[];
  conversations: Group[];
  userGroups: UserGroup[];
  edit: EditTarget | null;
  initialDay?: Date;
  onSaved: (event: ScheduleEvent) => void;
  onCancel: () => void;
}) {
  const e = props.edit?.event;
  const occurrence = props.edit?.occurrence;
  const startAt = occurrence
    ? new Date(occurrence.start)
    : props.initialDay && props.initialDay > new Date()
      ? new Date(props.initialDay.getFullYear(), props.initialDay.getMonth(), props.initialDay.getDate(), 9)
      : defaultEventStart(new Date());
  const endAt = occurrence ? new Date(occurrence.end) : new Date(startAt.getTime() + 3600_000);
  const [title, setTitle] = useState(e?.title ?? '');
  const [typeId, setTypeId] = useState(e?.typeId ?? props.types[0]?.id ?? 0);
  const [allDay, setAllDay] = useState(e?.allDay ?? false);
  const [day, setDay] = useState(dateInput(startAt));
  const [lastDay, setLastDay] = useState(dateInput(e?.allDay ? addDays(endAt, -1) : startAt));
  const [from, setFrom] = useState(timeText(startAt));
  const [to, setTo] = useState(timeText(endAt));
  const [location, setLocation] = useState(e?.location ?? '');
  const [description, setDescription] = useState(e?.description ?? '');
  const [audience, setAudience] = useState(
    e?.audience ? ('groupId' in e.audience ? `g${e.audience.groupId}` : `u${e.audience.userGroupId}`) : '',
  );
  const single = props.edit?.scope === 'occurrence';
  const [freq, setFreq] = useState<Frequency | ''>(e?.recurrence?.freq ?? '');
  const [interval, setInterval] = useState(String(e?.recurrence?.interval ?? 1));
  const [chosenWeekdays, setWeekdays] = useState<Weekday[] | null>(
    e?.recurrence?.byWeekday.length ? e.recurrence.byWeekday : null,
  );
  // Until someone picks weekdays, a weekly series repeats on the weekday of its day.
  const firstWeekday = weekdayOf(fromDateInput(day));
  const weekdays = chosenWeekdays ?? [firstWeekday];
  const [ends, setEnds] = useState<'never' | 'until' | 'count'>(
    e?.recurrence?.until ? 'until' : e?.recurrence?.count ? 'count' : 'never',
  );
  const [until, setUntil] = useState(
    e?.recurrence?.until ? dateInput(new Date(e.recurrence.until)) : dateInput(addDays(startAt, 90)),
  );
  const [count, setCount] = useState(String(e?.recurrence?.count ?? 10));
  const repeatShape = () => JSON.stringify([freq, interval, [...weekdays].sort(), ends, until, count]);
  const [initialRepeat] = useState(repeatShape);
  const [reminder, setReminder] = useState(
    e?.reminderMinutes === null || e === undefined ? '' : String(e.reminderMinutes),
  );

  const form = useFormAction(async () => {
    const date = fromDateInput(day);
    let start: Date;
    let end: Date;
    if (allDay) {
      start = date;
      // The last day is never before the first.
      end = addDays(new Date(Math.max(date.getTime(), fromDateInput(lastDay).getTime())), 1);
    } else {
      const a = parseTimeOfDay(from);
      const b = parseTimeOfDay(to);
      if (!a) return form.fail(`"${from}" is not a time: try 930, 9:30pm or 21:30`);
      if (!b) return form.fail(`"${to}" is not a time: try 1030, 10:30pm or 22:30`);
      start = new Date(date.getFullYear(), date.getMonth(), date.getDate(), a.hour, a.minute);
      end = new Date(date.getFullYear(), date.getMonth(), date.getDate(), b.hour, b.minute);
      // An end before the start is the next day (a late game running past midnight).
      if (end <= start) end = addDays(end, 1);
    }
    const chosen = audience.startsWith('g')
      ? ({ groupId: Number(audience.slice(1)) } satisfies Audience)
      : audience.startsWith('u')
        ? ({ userGroupId: Number(audience.slice(1)) } satisfies Audience)
        : null;
    const body: CreateEventBody = {
      title,
      typeId,
      allDay,
      start: withOffset(start),
      end: withOffset(end),
      location,
      description,
      timeZone: e?.timeZone ?? browserTimeZone(),
      audience: chosen,
      reminderMinutes: reminder === '' ? null : Number(reminder),
      recurrence:
        single || freq === ''
          ? null
          : {
              freq,
              interval: Math.max(1, Number(interval) || 1),
              ...(freq === 'weekly' ? { byWeekday: [...new Set([weekdayOf(start), ...weekdays])] } : {}),
              ...(ends === 'until'
                ? { until: withOffset(new Date(fromDateInput(until).getTime() + 86_399_000)) }
                : {}),
              ...(ends === 'count' ? { count: Math.max(1, Number(count) || 1) } : {}),
            },
    };
    if (!props.edit) {
      props.onSaved((await scheduleApi.create(body)).event);
      return;
    }
    const { scope } = props.edit;
    const occStart = new Date(props.edit.occurrence.start);
    if (scope === 'series' && e?.recurrence) {
      // The form shows one occurrence; the series moves by as much as that occurrence moved.
      const shift = start.getTime() - occStart.getTime();
      const seriesStart = new Date(new Date(e.start).getTime() + shift);
      body.start = withOffset(seriesStart);
      body.end = withOffset(new Date(seriesStart.getTime() + (end.getTime() - start.getTime())));
    }
    // An unchanged rule is not sent: the server keeps it with its exceptions (and a split's count).
    if (scope !== 'occurrence' && repeatShape() === initialRepeat) delete body.recurrence;
    const saved = await scheduleApi.update(e!.id, {
      ...body,
      ...(e?.recurrence ? { scope, occurrenceStart: props.edit.occurrence.start } : {}),
      ...(single ? { recurrence: null } : {}),
    });
    props.onSaved(saved.event);
  }, 'Could not save the event');

  const toggleDay = (d: Weekday) =>
    setWeekdays(weekdays.includes(d) ? weekdays.filter((x) => x !== d) : [...weekdays, d]);
  return (
    <form class="event-form" onSubmit={form.submit}>
      <label>
        Title
        <input
          value={title}
          onInput={(ev) => setTitle(ev.currentTarget.value)}
          required
          maxLength={200}
          data-first-focus
        />
      </label>
      <label>
        Type
        <select value={String(typeId)} onChange={(ev) => setTypeId(Number(ev.currentTarget.value))}>
          {props.types.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <div class="event-form__row">
        <label>
          {allDay ? 'First day' : 'Day'}
          <input type="date" value={day} onInput={(ev) => setDay(ev.currentTarget.value)} required />
        </label>
        {allDay ? (
          <label>
            Last day
            <input type="date" value={lastDay} onInput={(ev) => setLastDay(ev.currentTarget.value)} />
          </label>
        ) : (
          <>
            <label>
              From
              <input
                value={from}
                onInput={(ev) => setFrom(ev.currentTarget.value)}
                inputMode="text"
                placeholder="9:30"
                size={7}
              />
            </label>
            <label>
              To
              <input
                value={to}
                onInput={(ev) => setTo(ev.currentTarget.value)}
                placeholder="10:30"
                size={7}
              />
            </label>
          </>
        )}
      </div>
      <label class="event-form__check">
        <input type="checkbox" checked={allDay} onChange={(ev) => setAllDay(ev.currentTarget.checked)} /> All
        day
      </label>
      <label>
        Where
        <input value={location} onInput={(ev) => setLocation(ev.currentTarget.value)} maxLength={200} />
      </label>
      <label>
        Details
        <textarea
          value={description}
          onInput={(ev) => setDescription(ev.currentTarget.value)}
          rows={3}
          maxLength={4000}
        />
      </label>
      <label>
        For
        <select value={audience} onChange={(ev) => setAudience(ev.currentTarget.value)}>
          <option value="">Everyone</option>
          {props.conversations.length > 0 && (
            <optgroup label="Members of a conversation">
              {props.conversations.map((g) => (
                <option key={g.id} value={`g${g.id}`}>
                  {g.name}
                </option>
              ))}
            </optgroup>
          )}
          {props.userGroups.length > 0 && (
            <optgroup label="A user group">
              {props.userGroups.map((u) => (
                <option key={u.id} value={`u${u.id}`}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {!single && (
        <fieldset class="event-form__repeat">
          <legend>Repeats</legend>
          <select
            aria-label="Repeats"
            value={freq}
            onChange={(ev) => setFreq(ev.currentTarget.value as Frequency | '')}
          >
            <option value="">Does not repeat</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
            <option value="yearly">Yearly</option>
          </select>
          {freq !== '' && (
            <>
              <label>
                Every
                <input
                  type="number"
                  min={1}
                  max={99}
                  value={interval}
                  onInput={(ev) => setInterval(ev.currentTarget.value)}
                  size={3}
                />
                {{ daily: 'days', weekly: 'weeks', monthly: 'months', yearly: 'years' }[freq]}
              </label>
              {freq === 'weekly' && (
                <fieldset class="event-form__days">
                  <legend class="visually-hidden">On</legend>
                  {WEEKDAYS.map((d) => (
                    <label key={d} class="event-form__check">
                      <input
                        type="checkbox"
                        checked={weekdays.includes(d) || d === firstWeekday}
                        disabled={d === firstWeekday}
                        onChange={() => toggleDay(d)}
                      />
                      {WEEKDAY_LABEL[d]}
                    </label>
                  ))}
                </fieldset>
              )}
              <label>
                Ends
                <select value={ends} onChange={(ev) => setEnds(ev.currentTarget.value as typeof ends)}>
                  <option value="never">Never</option>
                  <option value="until">On a date</option>
                  <option value="count">After a number of times</option>
                </select>
              </label>
              {ends === 'until' && (
                <label>
                  Last date
                  <input type="date" value={until} onInput={(ev) => setUntil(ev.currentTarget.value)} />
                </label>
              )}
              {ends === 'count' && (
                <label>
                  Times
                  <input
                    type="number"
                    min={1}
                    max={730}
                    value={count}
                    onInput={(ev) => setCount(ev.currentTarget.value)}
                  />
                </label>
              )}
            </>
          )}
        </fieldset>
      )}
      <label>
        Reminder
        <select value={reminder} onChange={(ev) => setReminder(ev.currentTarget.value)}>
          {REMINDERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {form.error && (
        <p class="form-error" role="alert">
          {form.error}
        </p>
      )}
      <div class="dialog__actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn--primary" disabled={form.busy}>
          {props.edit ? 'Save' : 'Create event'}
        </button>
      </div>
    </form>
  );
}
