// Log compaction: the background cleaner of compacted topics (see docs/internals/log-compaction.md).
export { LogCleaner, type LogCleanerOptions, type CleanReport, type LogToClean, type CleanableLogs } from './log-cleaner.ts';
export { cleanLog, CleaningAbortedError, type CleanRange, type CleanResult } from './clean-log.ts';
export { recoverCleanerFiles } from './swap-files.ts';
