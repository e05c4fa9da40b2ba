/** A reminder's event occurrence named by `?event={id}&at={start}`, if the address names one. */
function eventIn(search: string): { eventId: number; start: string } | null {
  const params = new URLSearchParams(search);
  const eventId = Number(params.get('event'));
  const start = params.get('at');
  return Number.isInteger(eventId) && eventId > 0 && start ? { eventId, start } : null;
}

/**
 * A notification's click opens its conversation: in a window already open the service worker
 * posts `{type: "open-conversation", groupId}`; a new window starts at `/?g={groupId}`. A
 * reminder opens its event the same ways (`open-event` with its URL, `/?event={id}&at={start}`).
 * Returns a function that stops listening.
 */
export function listenForNotificationOpens(
  open: (groupId: number) => void,
  openEvent: (target: { eventId: number; start: string }) => void,
): () => void {
  const fromUrl = Number(new URLSearchParams(location.search).get('g'));
  const eventFromUrl = eventIn(location.search);
  if (Number.isInteger(fromUrl) && fromUrl > 0) {
    history.replaceState(null, '', location.pathname);
    open(fromUrl);
  } else if (eventFromUrl) {
    history.replaceState(null, '', location.pathname);
    openEvent(eventFromUrl);
  }
  if (!('serviceWorker' in navigator)) return () => undefined;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; groupId?: unknown; url?: unknown } | null;
    if (data?.type === 'open-conversation' && typeof data.groupId === 'number') open(data.groupId);
    if (data?.type === 'open-event' && typeof data.url === 'string') {
      const target = eventIn(new URL(data.url, location.origin).search);
      if (target) openEvent(target);
    }
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  // Messages wait in a queue until the page says it listens.
  navigator.serviceWorker.startMessages();
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}
