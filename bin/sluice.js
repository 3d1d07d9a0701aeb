#!/usr/bin/env node
// Entry point of the `sluice` command. Plain JavaScript that any Node parses, so that an old Node
// hears what it needs instead of failing on syntax it does not know.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';

const MINIMUM = [22, 22];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `sluice: Node ${process.versions.node} is too old; Sluice needs Node ${MINIMUM.join('.')} or newer. ` +
      `In a clone of the repository, npm scripts, npx and npm exec use the Node it pins (npx sluice ...).\n`,
  );
  process.exit(1);
}

// Node's on-disk compile cache (code cache, and the stripped TypeScript of a clone's sources): every
// start — and every worker thread of `--workers N`, which runs this file again — skips parsing,
// compiling and type-stripping the modules a previous start already did (about 0.5 CPU-s each).
// Keyed by file content and Node version; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
nodeModule.enableCompileCache?.();

// A clone runs the TypeScript sources (never a stale build); an installed package, which has no
// sources and lives under node_modules (where Node does not strip types), runs the compiled build.
const sources = new URL('../src/cli/main.ts', import.meta.url);
const installed = /[\\/]node_modules[\\/]/.test(new URL('.', import.meta.url).pathname);
await import(!installed && existsSync(sources) ? sources.href : new URL('../dist/cli/main.js', import.meta.url).href);
