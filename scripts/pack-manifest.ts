/**
 * The published package runs compiled JavaScript; a clone runs the TypeScript sources. npm runs
 *   node scripts/pack-manifest.ts apply     (prepack)  builds dist/ with tsc (and copies the
 *                                           dashboard's web files), then points the
 *                                           package's exports at dist/ (JavaScript and .d.ts);
 *   node scripts/pack-manifest.ts restore   (postpack) puts the development package.json back
 *                                           and removes dist/,
 * so that nothing in a clone ever resolves to a stale build, and the tarball has no sources
 * (Node does not strip types under node_modules).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

function restore(): void {
  if (existsSync(backup)) renameSync(backup, manifest);
  rmSync(dist, { recursive: true, force: true });
}

function apply(): void {
  restore(); // an interrupted earlier pack
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('pack-manifest: tsc could not build dist/');
  // The dashboard's web UI is plain HTML, CSS and JavaScript modules served from next to its code.
  cpSync(`${root}src/dashboard/web`, `${dist}/dashboard/web`, { recursive: true });
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text) as { exports: Exports; types?: string };
  writeFileSync(backup, text);
  pkg.exports = compiled(pkg.exports);
  pkg.types = './dist/index.d.ts';
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

const command = process.argv[2];
if (command === 'apply') apply();
else if (command === 'restore') restore();
else {
  process.stderr.write('usage: node scripts/pack-manifest.ts apply|restore\n');
  process.exitCode = 1;
}
