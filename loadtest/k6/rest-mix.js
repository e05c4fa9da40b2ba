// Scenario (c): REST mix — list conversations, page history, send, (re)login now and then.
// k6 run -e BASE_URL=… -e ADMIN_PASS=… -e USERS=100 -e VUS=100 loadtest/k6/rest-mix.js
import { check, sleep } from 'k6';
import { api, login, provision } from './lib/api.js';

export const options = {
  vus: Number(__ENV.VUS || 50),
  duration: __ENV.DURATION || '2m',
  thresholds: { http_req_duration: ['p(95)<300', 'p(99)<1000'], http_req_failed: ['rate<0.001'] },
};

export function setup() {
  return { people: provision(Number(__ENV.USERS || 50), Number(__ENV.PER_ROOM || 10)) };
}

export default function (data) {
  const me = data.people[(__VU - 1) % data.people.length];
  let token = me.token;
  if (__ITER % 50 === 49) token = login(me.email, me.password, 'mobile').token;
  check(api('GET', '/api/groups', token), { 'groups 200': (r) => r.status === 200 });
  const page = api('GET', `/api/groups/${me.groupId}/messages?limit=50`, token);
  check(page, { 'history 200': (r) => r.status === 200 });
  const oldest = page.status === 200 && page.json().messages.length ? page.json().messages[0].id : null;
  if (oldest)
    check(api('GET', `/api/groups/${me.groupId}/messages?before=${oldest}&limit=50`, token), {
      'older 200': (r) => r.status === 200,
    });
  const sent = api('POST', `/api/groups/${me.groupId}/messages`, token, {
    clientId: `rest-${__VU}-${__ITER}`,
    content: `rest ${__ITER}`,
  });
  check(sent, { 'send 201': (r) => r.status === 201 || r.status === 200 });
  sleep(Number(__ENV.THINK_SECONDS || 1));
}
