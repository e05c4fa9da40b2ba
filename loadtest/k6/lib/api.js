// REST helpers and test-data provisioning for the k6 scripts (k6/http only).
import http from 'k6/http';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(/\/$/, '');
/** Tenant to hit, when BASE_URL is an address rather than the tenant's own name. */
export const TENANT_HOST = __ENV.TENANT_HOST || '';

export function headers(token) {
  const h = { 'content-type': 'application/json' };
  if (token) h.authorization = `Bearer ${token}`;
  if (TENANT_HOST) h.host = TENANT_HOST;
  return h;
}

export function api(method, path, token, body) {
  return http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
    headers: headers(token),
    tags: { name: `${method} ${path.replace(/\d+/g, ':id')}` },
  });
}

export function login(email, password, device) {
  const res = api('POST', '/api/auth/login', null, { email, password, device: device || 'desktop' });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  return res.json();
}

/**
 * Creates `users` members (or reuses them: the same run id gives the same e-mails) and one
 * private group per `perRoom` users, signed in as the admin from ADMIN_EMAIL / ADMIN_PASS.
 * Returns [{email, password, token, userId, groupId}] for VUs to pick from.
 */
export function provision(users, perRoom) {
  const admin = login(__ENV.ADMIN_EMAIL || 'admin@rosterchirp.local', __ENV.ADMIN_PASS);
  const run = __ENV.RUN_ID || 'k6';
  const people = [];
  for (let i = 0; i < users; i++) {
    const email = `${run}-user-${i}@loadtest.invalid`;
    const password = `${run}-password-${i}`;
    const created = api('POST', '/api/users', admin.token, { email, name: `Load User ${i}`, password });
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`create user: ${created.status} ${created.body}`);
    const session = login(email, password, 'desktop');
    people.push({ email, password, token: session.token, userId: session.user.id, groupId: 0 });
  }
  for (let start = 0; start < people.length; start += perRoom) {
    const members = people.slice(start, start + perRoom);
    const group = api('POST', '/api/groups', members[0].token, {
      type: 'private',
      name: `${run} room ${start / perRoom}`,
      memberIds: members.slice(1).map((p) => p.userId),
    });
    if (group.status !== 201) throw new Error(`create group: ${group.status} ${group.body}`);
    for (const m of members) m.groupId = group.json().group.id;
  }
  return people;
}
