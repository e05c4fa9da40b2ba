import { randomUUID } from 'node:crypto';
import { PG_TYPES } from '@rosterchirp/db';
import { createTokenSigner } from '@rosterchirp/domain';
import pg from 'pg';

export interface BulkUser {
  userId: number;
  token: string;
  roomId: number;
}

/**
 * Thousands of users with live sessions in seconds: rows written straight into schema public
 * and tokens signed with the cluster's JWT secret, instead of one argon2 hash and one sign-in
 * per user through the API (minutes of CPU at 10,000 users). Users come in private rooms of
 * `roomSize` members, the way teams are split into channels.
 */
export async function provisionUsers(opts: {
  directUrl: string;
  jwtSecret: string;
  count: number;
  prefix: string;
  roomSize: number;
}): Promise<BulkUser[]> {
  const client = new pg.Client({ connectionString: opts.directUrl, types: PG_TYPES });
  await client.connect();
  try {
    const names = Array.from({ length: opts.count }, (_, i) => `${opts.prefix}-${i}`);
    const { rows: users } = await client.query<{ id: number }>(
      `INSERT INTO public.users (email, name, handle)
       SELECT n || '@bench.invalid', 'Bench ' || n, replace(n, '-', '.') FROM unnest($1::text[]) AS n
       RETURNING id`,
      [names],
    );
    const sessionIds = users.map(() => randomUUID());
    await client.query(
      `INSERT INTO public.sessions (id, user_id, device, expires_at)
       SELECT s, u, 'desktop', now() + interval '1 day' FROM unnest($1::uuid[], $2::int[]) AS t (s, u)`,
      [sessionIds, users.map((u) => u.id)],
    );
    const roomCount = Math.ceil(users.length / opts.roomSize);
    const { rows: rooms } = await client.query<{ id: number }>(
      `INSERT INTO public.groups (type, name) SELECT 'private', $1 || ' room ' || g FROM generate_series(1, $2) AS g RETURNING id`,
      [opts.prefix, roomCount],
    );
    const roomOf = (i: number) => rooms[Math.floor(i / opts.roomSize)]!.id;
    await client.query(
      'INSERT INTO public.group_members (group_id, user_id) SELECT * FROM unnest($1::int[], $2::int[])',
      [users.map((_, i) => roomOf(i)), users.map((u) => u.id)],
    );
    const signer = createTokenSigner(opts.jwtSecret);
    return users.map((u, i) => ({
      userId: u.id,
      roomId: roomOf(i),
      token: signer.sign({ sid: sessionIds[i]!, uid: u.id, sch: 'public' }, 86_400),
    }));
  } finally {
    await client.end();
  }
}
