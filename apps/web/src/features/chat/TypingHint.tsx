import type { User } from '@rosterchirp/protocol/client';
import { useEffect, useState } from 'preact/hooks';

/**
 * "Tod is typing…": hints expire on their own, so this line keeps its own clock — ticking only
 * while a hint is showing — instead of re-rendering the whole app every few seconds.
 */
export function TypingHint(props: {
  typing: Record<number, number> | undefined;
  meId: number | undefined;
  users: User[];
}) {
  const [now, setNow] = useState(Date.now());
  const live = Object.entries(props.typing ?? {}).filter(
    ([id, until]) => until > now && Number(id) !== props.meId,
  );
  const showing = live.length > 0;
  useEffect(() => {
    setNow(Date.now());
    if (!showing) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [showing, props.typing]);
  const names = live.map(
    ([id]) => props.users.find((u) => u.id === Number(id))?.name.split(' ')[0] ?? 'Someone',
  );
  return (
    <div class="typing" aria-live="polite">
      {names.length > 0 && `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`}
    </div>
  );
}
