/**
 * The chat's first load stays small: app.js (what every page loads before anything else) under
 * 45 KB gzip, no TypeBox in any browser file (the protocol's browser entry carries types and
 * plain values only), and the host panel and the dialogs in chunks of their own. Reads the
 * build that `pnpm test` makes first (`pnpm build:web`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

const WEB = join(process.cwd(), 'apps', 'web');
const BUDGET_GZIP_BYTES = 45 * 1024;

interface Meta {
  outputs: Record<string, { bytes: number; inputs: Record<string, unknown>; entryPoint?: string }>;
}

describe('web bundle budget', () => {
  const meta = JSON.parse(readFileSync(join(WEB, 'dist', 'bundle-meta.json'), 'utf8')) as Meta;
  const outputs = Object.entries(meta.outputs).filter(([file]) => file.endsWith('.js'));
  const entry = outputs.find(([file]) => file.endsWith('public/build/app.js'));

  it(`app.js is under ${BUDGET_GZIP_BYTES / 1024} KB gzip`, () => {
    const gz = gzipSync(readFileSync(join(WEB, 'public', 'build', 'app.js'))).length;
    process.stdout.write(`# app.js: ${(gz / 1024).toFixed(1)} KB gzip\n`);
    assert.ok(gz < BUDGET_GZIP_BYTES, `app.js is ${gz} bytes gzip`);
  });

  it('no browser file carries TypeBox', () => {
    for (const [file, out] of outputs) {
      const typebox = Object.keys(out.inputs).filter((i) => i.includes('@sinclair/typebox'));
      assert.deepEqual(typebox, [], file);
    }
  });

  it('the host panel and the dialogs are chunks of their own, not in app.js', () => {
    assert.ok(entry, 'app.js is in the build');
    const inEntry = Object.keys(entry[1].inputs);
    for (const part of ['HostPanel', 'PeopleDialog', 'AuditDialog', 'UserGroupsDialog', 'ProfileDialog']) {
      assert.ok(!inEntry.some((i) => i.includes(`/${part}.tsx`)), `${part} is not in app.js`);
      assert.ok(
        outputs.some(([file]) => file.includes(`/chunks/${part}-`)),
        `${part} has its own chunk`,
      );
    }
  });
});
