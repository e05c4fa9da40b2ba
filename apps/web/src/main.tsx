import { render } from 'preact';
import { App } from './components/App.tsx';
import { HostPanel } from './components/HostPanel.tsx';
import './styles.css';

// `{HOST_DOMAIN}/host` is the host control plane; every other page is the chat.
const isHostPanel = location.pathname === '/host' || location.pathname.startsWith('/host/');
render(isHostPanel ? <HostPanel /> : <App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:' && !isHostPanel) {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
