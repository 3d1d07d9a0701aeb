/**
 * Long variants of a scenario that `npm test` covers with one short, seeded case: the same
 * scenario with another state backend, delivery guarantee or way of stopping a worker, or at a
 * size that takes minutes. They stay next to their short case, and run in `npm run test:long`
 * (test/run-long.ts sets SLUICE_LONG_TESTS=1); `npm test` reports them as skipped with the
 * command that runs them. docs/internals/development.md lists what runs where.
 */
export const LONG_TESTS = process.env.SLUICE_LONG_TESTS === '1';

/** The options of a long variant: `options`, skipped unless SLUICE_LONG_TESTS=1. */
export function longVariant<T extends object>(options: T): T & { skip: string | false } {
  return { ...options, skip: LONG_TESTS ? false : 'long variant: runs in `npm run test:long`' };
}
