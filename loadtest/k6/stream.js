// Scenario (d): the plain WebSocket stream (/api/stream): hello, ping/pong, send with ack.
// k6 run -e BASE_URL=… -e ADMIN_PASS=… -e VUS=100 loadtest/k6/stream.js
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import ws from 'k6/ws';
import { BASE_URL, provision, TENANT_HOST } from './lib/api.js';
import { deliveryLatencyMs } from './lib/sio.js';

const deliver = new Trend('stream_send_to_deliver_ms', true);
const ackOk = new Rate('stream_ack_ok');

export const options = {
  vus: Number(__ENV.VUS || 50),
  duration: __ENV.DURATION || '2m',
  thresholds: { stream_send_to_deliver_ms: ['p(95)<200'], stream_ack_ok: ['rate>0.999'] },
};

export function setup() {
  return { people: provision(Number(__ENV.USERS || 50), Number(__ENV.PER_ROOM || 10)) };
}

export default function (data) {
  const me = data.people[(__VU - 1) % data.people.length];
  const url = `${BASE_URL.replace(/^http/, 'ws')}/api/stream`;
  const params = {
    headers: { authorization: `Bearer ${me.token}`, ...(TENANT_HOST ? { host: TENANT_HOST } : {}) },
  };
  let seq = 0;
  const res = ws.connect(url, params, (socket) => {
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw);
      if (frame.type === 'hello') {
        socket.setInterval(
          () => {
            seq++;
            socket.send(
              JSON.stringify({
                type: 'message:send',
                id: String(seq),
                data: {
                  groupId: me.groupId,
                  clientId: `st-${__VU}-${__ITER}-${seq}`,
                  content: `stream ${seq}`,
                },
              }),
            );
          },
          Number(__ENV.SEND_EVERY_MS || 2000),
        );
        socket.setInterval(() => socket.send('{"type":"ping"}'), 20_000);
      }
      if (frame.type === 'ack') ackOk.add(frame.data.ok === true);
      if (
        frame.type === 'message:new' &&
        frame.data.message.author &&
        frame.data.message.author.id !== me.userId
      ) {
        deliver.add(deliveryLatencyMs(frame.data.message, Date.now()));
      }
    });
    socket.setTimeout(() => socket.close(), Number(__ENV.SESSION_SECONDS || 60) * 1000);
  });
  check(res, { 'upgraded (101)': (r) => r && r.status === 101 });
}
