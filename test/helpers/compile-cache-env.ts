import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment that turns Node's compile cache on for the test runners' processes and every
 * process they start: each reuses the stripped and compiled sources an earlier one wrote, instead
 * of type-stripping and compiling ~150 modules again. Same directory as `sluice`'s own default
 * (bin/sluice.js); a caller's NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE wins.
 */
export function compileCacheEnv(): NodeJS.ProcessEnv {
  if (process.env.NODE_DISABLE_COMPILE_CACHE !== undefined || process.env.NODE_COMPILE_CACHE !== undefined) return {};
  return { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}
