// Scenario (a): many idle socket.io connections, pings answered. Measures how many a deployment holds.
// k6 run -e BASE_URL=https://chat.example.com -e ADMIN_PASS=… -e USERS=200 -e VUS=2000 loadtest/k6/connect-idle.js
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import ws from 'k6/ws';
import { BASE_URL, provision, TENANT_HOST } from './lib/api.js';
import { connectFrame, decodeFrame, replyTo, socketIoUrl } from './lib/sio.js';

const connectTime = new Trend('sio_connect_ms', true);
const refused = new Counter('sio_refused');

export const options = {
  scenarios: {
    idle: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: __ENV.RAMP || '1m', target: Number(__ENV.VUS || 500) },
        { duration: __ENV.HOLD || '2m', target: Number(__ENV.VUS || 500) },
      ],
    },
  },
  thresholds: {
    sio_connect_ms: ['p(95)<1000', 'p(99)<2000'],
    sio_refused: ['count<1'],
    checks: ['rate>0.999'],
  },
};

export function setup() {
  return { people: provision(Number(__ENV.USERS || 50), 10) };
}

export default function (data) {
  const me = data.people[(__VU - 1) % data.people.length];
  const started = Date.now();
  const res = ws.connect(
    socketIoUrl(BASE_URL),
    { headers: TENANT_HOST ? { host: TENANT_HOST } : {} },
    (socket) => {
      socket.on('message', (raw) => {
        const frame = decodeFrame(raw);
        const reply = replyTo(frame);
        if (reply) socket.send(reply);
        else if (frame.kind === 'open') socket.send(connectFrame(me.token));
        else if (frame.kind === 'connected') connectTime.add(Date.now() - started);
        else if (frame.kind === 'connect_error') {
          refused.add(1);
          socket.close();
        }
      });
      socket.setTimeout(() => socket.close(), Number(__ENV.IDLE_SECONDS || 60) * 1000);
    },
  );
  check(res, { 'upgraded (101)': (r) => r && r.status === 101 });
}
