/**
 * A notification's click opens its conversation: in a window already open the service worker
 * posts `{type: "open-conversation", groupId}`; a new window starts at `/?g={groupId}`.
 * Returns a function that stops listening.
 */
export function listenForNotificationOpens(open: (groupId: number) => void): () => void {
  const fromUrl = Number(new URLSearchParams(location.search).get('g'));
  if (Number.isInteger(fromUrl) && fromUrl > 0) {
    history.replaceState(null, '', location.pathname);
    open(fromUrl);
  }
  if (!('serviceWorker' in navigator)) return () => undefined;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; groupId?: unknown } | null;
    if (data?.type === 'open-conversation' && typeof data.groupId === 'number') open(data.groupId);
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  // Messages wait in a queue until the page says it listens.
  navigator.serviceWorker.startMessages();
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}
