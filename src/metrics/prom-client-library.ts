import { createRequire } from 'node:module';

/**
 * prom-client, loaded when the first registry is made rather than at `import 'sluice'` or at a
 * broker's start: a program that never scrapes should not pay for it. Synchronous (`require`), so
 * registries can still be made in constructors and getters.
 */
type PromClient = typeof import('prom-client');

let library: PromClient | undefined;

/** The prom-client module, loaded on the first call. */
export function promClient(): PromClient {
  return (library ??= createRequire(import.meta.url)('prom-client') as PromClient);
}
