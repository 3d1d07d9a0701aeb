/** Log levels, least to most verbose (`silent`: none). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `pretty`: one readable line per entry (the default on a terminal); `json`: pino's JSON lines (the default otherwise). */
export type LogFormat = 'pretty' | 'json';
