import { pino, type Logger } from 'pino';

/** Process-wide logger. Level from SLUICE_LOG_LEVEL (default `info`, `silent` in tests). */
export const logger: Logger = pino({
  name: 'sluice',
  level: process.env.SLUICE_LOG_LEVEL ?? (process.env.NODE_TEST_CONTEXT ? 'silent' : 'info'),
});

export type { Logger };
