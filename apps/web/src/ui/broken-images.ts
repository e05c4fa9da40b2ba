/**
 * Images that failed to load (the network was away) are marked, and loaded again when the
 * connection comes back — instead of staying broken until a reload.
 */
export function markBroken(e: Event): void {
  (e.currentTarget as HTMLImageElement).dataset.broken = '1';
}

export function unmarkBroken(e: Event): void {
  delete (e.currentTarget as HTMLImageElement).dataset.broken;
}

/** Asks every broken image for its picture again. */
export function retryBrokenImages(): void {
  for (const img of document.querySelectorAll<HTMLImageElement>('img[data-broken]')) {
    const src = img.src;
    delete img.dataset.broken;
    img.src = '';
    img.src = src;
  }
}
