// Bundles the UI: src/main.ts (and the CSS it imports) into dist/app.js and dist/app.css, beside dist/index.html.
// `--outdir DIR` writes elsewhere (Paywatch.Web's build passes its obj folder); `--tests` bundles test/*.test.ts
// into .test-out/ for node --test.
import { build } from 'esbuild';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--outdir');
const outdir = at >= 0 ? path.resolve(args[at + 1]) : path.join(here, 'dist');

if (args.includes('--tests')) {
  const out = path.join(here, '.test-out');
  await rm(out, { recursive: true, force: true });
  const tests = (await readdir(path.join(here, 'test'))).filter(f => f.endsWith('.test.ts')).map(f => path.join(here, 'test', f));
  await build({ entryPoints: tests, bundle: true, platform: 'node', format: 'esm', outdir: out, outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
} else {
  // Only our three files are replaced: the folder may be anyone's (never remove it).
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: { app: path.join(here, 'src', 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outdir,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await cp(path.join(here, 'src', 'index.html'), path.join(outdir, 'index.html'));
}
