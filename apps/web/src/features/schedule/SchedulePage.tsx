import type {
  EditScope,
  EventDetail,
  EventType,
  Occurrence,
  User,
  UserGroup,
} from '@rosterchirp/protocol/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../lib/http.ts';
import type { createStore } from '../../store.ts';
import { useStoreSlice } from '../../store.ts';
import { BackButton } from '../../ui/BackButton.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { peopleApi } from '../people/people-api.ts';
import { CalendarFeedDialog } from './CalendarFeedDialog.tsx';
import { addDays, addMonths, startOfDay, startOfMonth, startOfWeek } from './calendar-dates.ts';
import { EventDialog, type OpenOccurrence } from './EventDialog.tsx';
import { type EditTarget, EventForm } from './EventForm.tsx';
import { EventTypesDialog } from './EventTypesDialog.tsx';
import { scheduleApi } from './schedule-api.ts';
import { AgendaView, MonthView, WeekView } from './schedule-views.tsx';

type View = 'month' | 'week' | 'agenda';
type Editing = { kind: 'new'; day?: Date } | { kind: 'edit'; target: EditTarget };

const PHONE = '(max-width: 760px)';
const usePhone = () => {
  const [phone, setPhone] = useState(() => matchMedia(PHONE).matches);
  useEffect(() => {
    const media = matchMedia(PHONE);
    const change = () => setPhone(media.matches);
    media.addEventListener('change', change);
    return () => media.removeEventListener('change', change);
  }, []);
  return phone;
};

/** The range a view shows: a month, a week, or the next 31 days from today. */
function rangeOf(view: View, cursor: Date, now: Date): { from: Date; to: Date } {
  // The month's grid shows the edges of the months around it too.
  if (view === 'month')
    return { from: startOfWeek(startOfMonth(cursor)), to: addDays(startOfWeek(addMonths(cursor, 1)), 7) };
  if (view === 'week') return { from: startOfWeek(cursor), to: addDays(startOfWeek(cursor), 7) };
  return { from: startOfDay(now), to: addDays(startOfDay(now), 31) };
}

/**
 * The schedule: month, week and agenda views, colours by type, past events greyed. A keyword or
 * a type shows every matching event of the month as a list (past ones too, greyed); clearing the
 * keyword returns to the month. Changes arrive live (`schedule:changed`).
 */
export function SchedulePage(props: {
  store: ReturnType<typeof createStore>;
  me: User;
  onLive: (listener: () => void) => () => void;
  onBack: () => void;
  /** An occurrence to show at once (a reminder was clicked). */
  opening: { eventId: number; start: string } | null;
}) {
  const { groups, features } = useStoreSlice(props.store, (s) => ({
    groups: s.groups,
    features: s.features,
  }));
  const manages = props.me.role === 'admin' || props.me.role === 'manager';
  const phone = usePhone();
  const [view, setView] = useState<View>(phone ? 'agenda' : 'month');
  const [cursor, setCursor] = useState(() => startOfDay(new Date()));
  const [keyword, setKeyword] = useState('');
  const [typeId, setTypeId] = useState<number | null>(null);
  const [types, setTypes] = useState<EventType[]>([]);
  const [userGroups, setUserGroups] = useState<UserGroup[]>([]);
  const [occurrences, setOccurrences] = useState<Occurrence[] | null>(null);
  // What the shown occurrences answer; while another question is on its way they are dimmed.
  const [shownFor, setShownFor] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenOccurrence | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [dialog, setDialog] = useState<'types' | 'feed' | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (props.opening) setOpen(props.opening);
  }, [props.opening]);
  const now = new Date();
  const filtering = keyword.trim() !== '' || typeId !== null;
  // A filter lists the whole month of the cursor, past included.
  const range = filtering
    ? { from: startOfMonth(cursor), to: addMonths(cursor, 1) }
    : rangeOf(view, cursor, now);
  const fromKey = range.from.getTime();
  const toKey = range.to.getTime();
  const question = `${fromKey}|${toKey}|${keyword.trim()}|${typeId ?? ''}`;

  const loadTypes = () => scheduleApi.eventTypes().then((r) => setTypes(r.eventTypes));
  useEffect(() => {
    void loadTypes().catch(() => undefined);
    if (manages && features?.feature_group_manager)
      void peopleApi.userGroups().then(
        (r) => setUserGroups(r.userGroups),
        () => undefined,
      );
    return props.onLive(() => setVersion((v) => v + 1));
  }, []);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(
      () =>
        void scheduleApi
          .occurrences({
            from: new Date(fromKey),
            to: new Date(toKey),
            q: keyword.trim(),
            ...(typeId ? { typeId } : {}),
          })
          .then(
            (r) => {
              if (!live) return;
              setOccurrences(r.occurrences);
              setShownFor(question);
              setError(null);
            },
            (err: unknown) =>
              live && setError(err instanceof ApiError ? err.message : 'Could not load the schedule'),
          ),
      keyword ? 200 : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [fromKey, toKey, keyword, typeId, version]);

  const typeMap = useMemo(() => new Map(types.map((t) => [t.id, t])), [types]);
  const conversations = groups.filter((g) => g.type !== 'direct' && (g.type !== 'public' || g.joined));
  const move = (n: number) =>
    setCursor((c) => (view === 'week' && !filtering ? addDays(c, 7 * n) : addMonths(c, n)));
  const title = filtering
    ? `Matching events in ${cursor.toLocaleDateString([], { month: 'long', year: 'numeric' })}`
    : view === 'week'
      ? `Week of ${startOfWeek(cursor).toLocaleDateString([], { day: 'numeric', month: 'long', year: 'numeric' })}`
      : view === 'agenda'
        ? 'Coming up'
        : cursor.toLocaleDateString([], { month: 'long', year: 'numeric' });

  const startEdit = (detail: EventDetail, scope: EditScope) => {
    setOpen(null);
    setEditing({
      kind: 'edit',
      target: {
        event: detail.event,
        occurrence: detail.occurrence ?? { start: detail.event.start, end: detail.event.end },
        scope,
      },
    });
  };
  const form = editing && (
    <EventForm
      types={types}
      conversations={conversations}
      userGroups={userGroups}
      edit={editing.kind === 'edit' ? editing.target : null}
      {...(editing.kind === 'new' && editing.day ? { initialDay: editing.day } : {})}
      onSaved={() => {
        setEditing(null);
        setVersion((v) => v + 1);
      }}
      onCancel={() => setEditing(null)}
    />
  );
  // On a phone the event form is a page of its own.
  if (form && phone) {
    return (
      <main class="conversation schedule schedule--form">
        <header class="conversation__header">
          <BackButton label="Back to the schedule" onClick={() => setEditing(null)} />
          <h1>{editing?.kind === 'edit' ? 'Edit event' : 'New event'}</h1>
        </header>
        <div class="schedule__body">{form}</div>
      </main>
    );
  }

  const list = occurrences ?? [];
  return (
    <main class="conversation schedule" aria-label="Schedule">
      <header class="conversation__header schedule__header">
        <BackButton label="Back to conversations" onClick={props.onBack} />
        <h1>{title}</h1>
        <div class="schedule__actions">
          {manages && (
            <button type="button" class="btn btn--primary" onClick={() => setEditing({ kind: 'new' })}>
              New event
            </button>
          )}
          {manages && (
            <button type="button" class="btn" onClick={() => setDialog('types')}>
              Types
            </button>
          )}
          <button type="button" class="btn" onClick={() => setDialog('feed')}>
            Calendar link
          </button>
        </div>
      </header>
      <div class="schedule__toolbar">
        <div class="schedule__nav">
          <button
            type="button"
            class="btn"
            aria-label="Previous"
            onClick={() => move(-1)}
            disabled={view === 'agenda' && !filtering}
          >
            ‹
          </button>
          <button type="button" class="btn" onClick={() => setCursor(startOfDay(new Date()))}>
            Today
          </button>
          <button
            type="button"
            class="btn"
            aria-label="Next"
            onClick={() => move(1)}
            disabled={view === 'agenda' && !filtering}
          >
            ›
          </button>
        </div>
        <fieldset class="schedule__views">
          <legend class="visually-hidden">View</legend>
          {(['month', 'week', 'agenda'] as const).map((v) => (
            <button
              key={v}
              type="button"
              class={`btn${view === v && !filtering ? ' btn--primary' : ''}`}
              aria-pressed={view === v}
              onClick={() => setView(v)}
            >
              {v[0]!.toUpperCase() + v.slice(1)}
            </button>
          ))}
        </fieldset>
        <input
          type="search"
          class="schedule__search"
          aria-label="Filter by keyword"
          placeholder='Keyword, or "whole word"'
          value={keyword}
          onInput={(e) => setKeyword(e.currentTarget.value)}
        />
        <select
          aria-label="Filter by type"
          value={typeId ?? ''}
          onChange={(e) => setTypeId(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
        >
          <option value="">All types</option>
          {types.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div
        class={`schedule__body${shownFor === question ? '' : ' schedule__body--stale'}`}
        aria-busy={shownFor !== question}
      >
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {occurrences === null && !error && <p class="schedule__empty">Loading…</p>}
        {occurrences !== null &&
          (filtering ? (
            <AgendaView
              occurrences={list}
              types={typeMap}
              now={now}
              onOpen={setOpen}
              empty="No events match this month."
            />
          ) : view === 'month' ? (
            <MonthView occurrences={list} types={typeMap} now={now} onOpen={setOpen} month={cursor} />
          ) : view === 'week' ? (
            <WeekView occurrences={list} types={typeMap} now={now} onOpen={setOpen} week={cursor} />
          ) : (
            <AgendaView
              occurrences={list}
              types={typeMap}
              now={now}
              onOpen={setOpen}
              empty="Nothing coming up in the next month."
            />
          ))}
      </div>
      {open && (
        <EventDialog
          occurrence={open}
          types={typeMap}
          refreshKey={version}
          onEdit={startEdit}
          onClose={() => setOpen(null)}
        />
      )}
      {form && (
        <Dialog
          label={editing?.kind === 'edit' ? 'Edit event' : 'New event'}
          title={editing?.kind === 'edit' ? 'Edit event' : 'New event'}
          onClose={() => setEditing(null)}
        >
          {form}
        </Dialog>
      )}
      {dialog === 'types' && (
        <EventTypesDialog types={types} onChanged={() => void loadTypes()} onClose={() => setDialog(null)} />
      )}
      {dialog === 'feed' && <CalendarFeedDialog onClose={() => setDialog(null)} />}
    </main>
  );
}
