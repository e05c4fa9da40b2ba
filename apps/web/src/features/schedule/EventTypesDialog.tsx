import type { EventType } from '@rosterchirp/protocol/client';
import { useState } from 'preact/hooks';
import { Dialog } from '../../ui/Dialog.tsx';
import { FormMessage } from '../../ui/FormMessage.tsx';
import { useAction } from '../../ui/use-action.ts';
import { scheduleApi } from './schedule-api.ts';

/** Admins and managers name and colour the event types; a type in use cannot be deleted. */
export function EventTypesDialog(props: { types: EventType[]; onChanged: () => void; onClose: () => void }) {
  const { said, run: attempt } = useAction(props.onChanged, 'Could not save');
  const [name, setName] = useState('');
  const [color, setColor] = useState('#0ea5e9');
  return (
    <Dialog label="Event types" title="Event types" onClose={props.onClose}>
      <ul class="event-types">
        {props.types.map((t) => (
          <li key={t.id}>
            <input
              type="color"
              aria-label={`Colour of ${t.name}`}
              value={t.color}
              onChange={(e) =>
                void attempt(
                  () => scheduleApi.saveEventType(t.id, { name: t.name, color: e.currentTarget.value }),
                  `${t.name}: colour saved`,
                )
              }
            />
            <input
              aria-label={`Name of ${t.name}`}
              value={t.name}
              onChange={(e) =>
                void attempt(
                  () => scheduleApi.saveEventType(t.id, { name: e.currentTarget.value, color: t.color }),
                  'Name saved',
                )
              }
            />
            <button
              type="button"
              class="link-btn"
              onClick={() => void attempt(() => scheduleApi.deleteEventType(t.id), `${t.name} deleted`)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form
        class="event-types__new"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(() => scheduleApi.saveEventType(null, { name, color }), `${name} added`).then(() =>
            setName(''),
          );
        }}
      >
        <input
          type="color"
          aria-label="New type colour"
          value={color}
          onInput={(e) => setColor(e.currentTarget.value)}
        />
        <input
          aria-label="New type name"
          placeholder="New type"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          required
          maxLength={40}
        />
        <button type="submit" class="btn">
          Add
        </button>
      </form>
      <FormMessage message={said} />
    </Dialog>
  );
}
