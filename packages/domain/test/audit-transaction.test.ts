/**
 * An audit entry and its change commit or roll back together: when writing the entry fails,
 * the change is undone; when the change fails, no entry is written and nobody hears one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TenantDb } from '@rosterchirp/db';
import { createSqlStores } from '@rosterchirp/store';
import { createAuditService } from '../src/audit-service.ts';
import { RecordingBus } from './recording-bus.ts';
import { startTenantDb } from './tenant-db-for-tests.ts';

describe('audit entries share the transaction of their change', () => {
  let world: Awaited<ReturnType<typeof startTenantDb>>;
  let db: TenantDb;
  const bus = new RecordingBus();
  const stores = createSqlStores();
  const audit = createAuditService({ stores, bus });
  const who = { actorId: null, ip: '192.0.2.1' };
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);

  before(async () => {
    world = await startTenantDb();
    db = world.db;
  });
  after(() => world?.close());

  it('commits both and then tells the admins', async () => {
    await audit.within(
      db,
      who,
      (tx) => stores.settings.set(tx, 'audit_probe', 1),
      () => ({ action: 'settings.updated', details: { probe: 1 } }),
    );
    assert.equal(await stores.settings.get(db, 'audit_probe'), 1);
    assert.equal(await count(`SELECT count(*) AS n FROM public.audit_log WHERE details->>'probe' = '1'`), 1);
    assert.equal(bus.emitted('audit:new').length, 1);
  });

  it('rolls the change back when the entry cannot be written', async () => {
    await assert.rejects(
      audit.within(
        db,
        { actorId: 2_000_000_000, ip: null }, // no such user: the foreign key refuses the entry
        (tx) => stores.settings.set(tx, 'audit_probe', 2),
        () => ({ action: 'settings.updated', details: { probe: 2 } }),
      ),
    );
    assert.equal(await stores.settings.get(db, 'audit_probe'), 1, 'the change did not stay');
    assert.equal(bus.emitted('audit:new').length, 1, 'nothing was announced');
  });

  it('writes no entry when the change fails', async () => {
    await assert.rejects(
      audit.within(
        db,
        who,
        async (tx) => {
          await stores.settings.set(tx, 'audit_probe', 3);
          throw new Error('the change failed half-way');
        },
        () => ({ action: 'settings.updated', details: { probe: 3 } }),
      ),
      /half-way/,
    );
    assert.equal(await stores.settings.get(db, 'audit_probe'), 1);
    assert.equal(await count(`SELECT count(*) AS n FROM public.audit_log WHERE details->>'probe' = '3'`), 0);
  });
});
