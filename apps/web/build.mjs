// Bundles the web client into public/build/ (app.js, app.css). `--watch` rebuilds on change.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, context } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const shared = {
  bundle: true,
  target: ['es2022', 'chrome110', 'safari16', 'firefox115'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};
// The app is an ES module; the service worker is a classic script at the site root (scope "/").
const targets = [
  // Pages and dialogs loaded on demand (preact-iso `lazy`) become chunks of their own.
  {
    ...shared,
    entryPoints: { app: `${root}src/main.tsx` },
    outdir: `${root}public/build`,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  },
  {
    ...shared,
    entryPoints: [`${root}src/sw.ts`],
    outfile: `${root}public/sw.js`,
    format: 'iife',
    sourcemap: false,
  },
];
if (process.argv.includes('--watch')) {
  for (const t of targets) await (await context(t)).watch();
} else {
  await rm(`${root}public/build`, { recursive: true, force: true });
  const results = await Promise.all(targets.map((t) => build({ ...t, metafile: true })));
  // What went into each file (the bundle-size test reads it).
  await mkdir(`${root}dist`, { recursive: true });
  await writeFile(`${root}dist/bundle-meta.json`, JSON.stringify(results[0].metafile));
  const bytes = results
    .flatMap((r) => Object.entries(r.metafile.outputs))
    .filter(([f]) => !f.endsWith('.map') && !f.includes('/chunks/'))
    .map(([f, o]) => `${f.split('/').pop()} ${(o.bytes / 1024).toFixed(1)} KiB`);
  console.log(`web client built: ${bytes.join(', ')}`);
}
