import type { Store } from '../../store.ts';

/** The server forgets a report after a minute; a visible conversation is reported again sooner. */
const REPEAT_MS = 25_000;

/**
 * Tells the server which conversation this tab shows while it is visible and focused (null
 * otherwise), so pushes skip what the person is reading. Reports on every change, on every
 * (re)connect (`resend`) and every 25 s while a conversation stays in view.
 */
export function startViewingReporter(store: Store, emit: (groupId: number | null) => void) {
  let last: number | null | undefined;
  const current = () =>
    document.visibilityState === 'visible' && document.hasFocus() ? store.get().activeId : null;
  const report = (force: boolean) => {
    const now = current();
    if (!force && now === last) return;
    last = now;
    emit(now);
  };
  const onChange = () => report(false);
  const unsubscribe = store.subscribe(onChange);
  document.addEventListener('visibilitychange', onChange);
  window.addEventListener('focus', onChange);
  window.addEventListener('blur', onChange);
  const timer = setInterval(() => {
    if (current() !== null) report(true);
  }, REPEAT_MS);
  return {
    /** After a (re)connect: the new connection has reported nothing yet. */
    resend: () => report(true),
    stop() {
      unsubscribe();
      document.removeEventListener('visibilitychange', onChange);
      window.removeEventListener('focus', onChange);
      window.removeEventListener('blur', onChange);
      clearInterval(timer);
    },
  };
}
