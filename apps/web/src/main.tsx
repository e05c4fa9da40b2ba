import { render } from 'preact';
import { ErrorBoundary, LocationProvider, lazy, Route, Router } from 'preact-iso';
import { App } from './App.tsx';
import './styles.css';
import { startTheme } from './ui/theme.ts';

startTheme();

// `{HOST_DOMAIN}/host` is the host control plane: its own chunk, never loaded by the chat.
const HostPanel = lazy(() => import('./features/host/HostPanel.tsx').then((m) => m.HostPanel));

const isHostPanel = location.pathname === '/host' || location.pathname.startsWith('/host/');

render(
  <LocationProvider>
    <ErrorBoundary>
      <Router>
        <Route path="/host" component={HostPanel} />
        <Route path="/host/*" component={HostPanel} />
        <Route default component={App} />
      </Router>
    </ErrorBoundary>
  </LocationProvider>,
  document.getElementById('app')!,
);

if ('serviceWorker' in navigator && location.protocol !== 'file:' && !isHostPanel) {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
