/**
 * The published package runs compiled JavaScript; a clone runs the TypeScript sources. npm runs
 *   node scripts/pack-manifest.ts apply     (prepack)  builds dist/ with tsc (declarations), bundles
 *                                           the JavaScript of each entry (the exports and the CLI)
 *                                           with esbuild, copies the dashboard's web files to
 *                                           dist/dashboard/web, then points the package's exports
 *                                           at dist/ (JavaScript and .d.ts);
 *   node scripts/pack-manifest.ts restore   (postpack) puts the development package.json back
 *                                           and removes dist/,
 * so that nothing in a clone ever resolves to a stale build, and the tarball has no sources
 * (Node does not strip types under node_modules).
 *
 * Why a bundle: loading ~150 modules one by one (resolve, read, compile, link each) was most of
 * `import 'sluice'`'s start-up. Code splitting keeps what loads on demand (CLI commands, the
 * broker behind `sluice broker`) in chunks of its own, and code shared by entries in shared chunks
 * (one copy of every class: instanceof holds across `sluice` and `sluice/broker`). Dependencies stay
 * external; names are kept (error and operator names come from class names).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = `${root}package.json`;
const backup = `${root}.package.dev.json`;
const dist = `${root}dist`;

type Exports = Record<string, string | Record<string, string>>;

/** `./src/x/index.ts` → `{ types: './dist/x/index.d.ts', default: './dist/x/index.js' }`. */
function compiled(exports: Exports): Exports {
  const out: Exports = {};
  for (const [entry, target] of Object.entries(exports)) {
    if (typeof target !== 'string' || !/^\.\/src\/.*\.ts$/.test(target)) throw new Error(`pack-manifest: export ${entry} is not a ./src/*.ts file: ${JSON.stringify(target)}`);
    const base = target.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
    out[entry] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  return out;
}

/** Replaces dist/'s per-module JavaScript (tsc's) by a bundle of `entries` (paths under dist/), split in chunks. */
async function bundle(entries: string[]): Promise<void> {
  const { build } = await import('esbuild');
  const out = `${root}dist-bundle`;
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: entries.map((e) => join(dist, e)),
    outbase: dist,
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    keepNames: true,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  for (const f of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (f.isFile() && f.name.endsWith('.js')) rmSync(join(f.parentPath, f.name));
  }
  for (const f of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const to = join(dist, relative(out, join(f.parentPath, f.name)));
    mkdirSync(dirname(to), { recursive: true });
    renameSync(join(f.parentPath, f.name), to);
  }
  rmSync(out, { recursive: true, force: true });
}

function restore(): void {
  if (existsSync(backup)) renameSync(backup, manifest);
  rmSync(dist, { recursive: true, force: true });
}

/** The CLI's module, which bin/sluice.js imports from an installed package. */
const CLI_ENTRY = 'cli/main.js';

async function apply(): Promise<void> {
  restore(); // an interrupted earlier pack
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('pack-manifest: tsc could not build dist/');
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text) as { exports: Exports; types?: string };
  const exports = compiled(pkg.exports);
  const entries = Object.values(exports).map((e) => (e as Record<string, string>).default!.replace(/^\.\/dist\//, ''));
  await bundle([...entries, CLI_ENTRY]);
  // After the bundle, which replaces every .js under dist/: the dashboard's web UI (plain HTML,
  // CSS and JavaScript modules) is found under dashboard/web beside `sluice`'s own entry.
  cpSync(`${root}src/dashboard/web`, `${dist}/dashboard/web`, { recursive: true });
  writeFileSync(backup, text);
  pkg.exports = exports;
  pkg.types = './dist/index.d.ts';
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

const command = process.argv[2];
if (command === 'apply') await apply();
else if (command === 'restore') restore();
else {
  process.stderr.write('usage: node scripts/pack-manifest.ts apply|restore\n');
  process.exitCode = 1;
}
