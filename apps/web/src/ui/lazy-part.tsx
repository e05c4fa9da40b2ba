import type { ComponentType } from 'preact';
import { ErrorBoundary, lazy } from 'preact-iso';

/**
 * A part of the app (a dialog, a page) fetched the first time it shows: its own chunk, so the
 * chat's first load carries none of it. While it loads, the rest of the screen stays as it is.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const Part = lazy(load);
  return (props: P) => (
    <ErrorBoundary>
      <Part {...props} />
    </ErrorBoundary>
  );
}
