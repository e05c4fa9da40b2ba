// Scenario (b): users in rooms send with acks and receive; send→deliver latency from createdAt.
// k6 run -e BASE_URL=… -e ADMIN_PASS=… -e USERS=200 -e PER_ROOM=10 -e VUS=200 loadtest/k6/chat.js
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import ws from 'k6/ws';
import { BASE_URL, provision, TENANT_HOST } from './lib/api.js';
import { connectFrame, decodeFrame, deliveryLatencyMs, eventFrame, replyTo, socketIoUrl } from './lib/sio.js';

const deliver = new Trend('send_to_deliver_ms', true);
const ackTime = new Trend('send_ack_ms', true);
const delivered = new Counter('messages_delivered');
const sendOk = new Rate('send_ok');

export const options = {
  vus: Number(__ENV.VUS || 50),
  duration: __ENV.DURATION || '2m',
  thresholds: {
    send_to_deliver_ms: ['p(95)<200', 'p(99)<500'],
    send_ack_ms: ['p(95)<300'],
    send_ok: ['rate>0.999'],
  },
};

export function setup() {
  return { people: provision(Number(__ENV.USERS || 50), Number(__ENV.PER_ROOM || 10)) };
}

export default function (data) {
  const me = data.people[(__VU - 1) % data.people.length];
  const interval = Number(__ENV.SEND_EVERY_MS || 2000);
  let seq = 0;
  const sentAt = {};
  ws.connect(socketIoUrl(BASE_URL), { headers: TENANT_HOST ? { host: TENANT_HOST } : {} }, (socket) => {
    socket.on('message', (raw) => {
      const frame = decodeFrame(raw);
      const reply = replyTo(frame);
      if (reply) return socket.send(reply);
      if (frame.kind === 'open') return socket.send(connectFrame(me.token));
      if (frame.kind === 'connected') {
        socket.setInterval(() => {
          seq++;
          sentAt[seq] = Date.now();
          socket.send(
            eventFrame(
              'message:send',
              { groupId: me.groupId, clientId: `k6-${__VU}-${__ITER}-${seq}`, content: `load ${seq}` },
              seq,
            ),
          );
        }, interval);
      }
      if (frame.kind === 'ack') {
        ackTime.add(Date.now() - sentAt[frame.id]);
        sendOk.add(frame.data && frame.data.ok === true);
        delete sentAt[frame.id];
      }
      if (
        frame.kind === 'event' &&
        frame.event === 'message:new' &&
        frame.data.message.author &&
        frame.data.message.author.id !== me.userId
      ) {
        delivered.add(1);
        deliver.add(deliveryLatencyMs(frame.data.message, Date.now()));
      }
    });
    socket.setTimeout(() => socket.close(), Number(__ENV.SESSION_SECONDS || 60) * 1000);
  });
  check(seq, { 'sent something': (n) => n > 0 });
}
