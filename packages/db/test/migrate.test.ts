import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import { loadTenantMigrations, migrateSchema } from '../src/migrate.ts';
import { PG_TYPES } from '../src/pool.ts';
import { assertSchemaName, quoteSchema, schemaForSlug } from '../src/schema-name.ts';

describe('schema names', () => {
  it('accepts safe names and maps slugs', () => {
    assert.equal(schemaForSlug('acme-sports'), 'tenant_acme_sports');
    assert.equal(quoteSchema('public'), '"public"');
  });
  it('refuses anything that could escape an identifier', () => {
    for (const bad of ['Public', 'a;drop', 'x"y', '1abc', '', 'a b', 'a'.repeat(64)]) {
      assert.throws(() => assertSchemaName(bad), /unsafe schema/);
    }
  });
});

describe('migrations', () => {
  let dir: string;
  let db: EmbeddedPostgresHandle;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rc-migrate-'));
    await chmod(dir, 0o755);
    db = await startEmbeddedPostgres({ dir: join(dir, 'pg'), persistent: false, fast: true });
  });
  after(async () => {
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('four instances starting at once migrate a schema exactly once', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateSchema(db.url, 'tenant_race')));
    const all = await loadTenantMigrations();
    const applied = results.flatMap((r) => r.applied);
    assert.deepEqual(
      applied.sort(),
      all.map((m) => m.name).sort(),
      'each migration applied by exactly one caller',
    );
    const client = new pg.Client({ connectionString: db.url, types: PG_TYPES });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM tenant_race.schema_migrations ORDER BY version');
    assert.deepEqual(
      rows.map((r) => r.version),
      all.map((m) => m.version),
    );
    await client.end();
    const again = await migrateSchema(db.url, 'tenant_race');
    assert.deepEqual(again.applied, []);
  });

  it('a failing migration rolls back and names itself', async () => {
    const broken = [
      { version: 1, name: '001_broken', sql: 'CREATE TABLE ok (id int); SELECT no_such_function();' },
    ];
    await assert.rejects(
      migrateSchema(db.url, 'tenant_broken', broken),
      /001_broken failed on schema tenant_broken/,
    );
    const client = new pg.Client({ connectionString: db.url, types: PG_TYPES });
    await client.connect();
    const { rows } = await client.query("SELECT to_regclass('tenant_broken.ok') AS t");
    assert.equal(rows[0].t, null, 'nothing of the failed migration is left');
    await client.end();
  });
});
