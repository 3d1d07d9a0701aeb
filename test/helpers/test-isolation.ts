/**
 * Which test files may share one process in `npm test` (test/run-suite.ts runs them with
 * `--test-isolation=none`). In a shared process the top-level hooks of every file apply to every
 * test of every file, and process-wide state (listeners, environment, exit code, working
 * directory) outlives the file that changed it; a file that does any of that gets a process of its
 * own. A file can also ask for one with a line `// test-isolation: process` (say why next to it).
 */
/** Test helpers that register top-level hooks when called at the top of a file: file → functions. */
export const HOOK_HELPERS: Readonly<Record<string, readonly string[]>> = {
  'test/kafka/helpers.ts': ['kafkaTestEnv'],
};

const HOOK_HELPER_CALL = new RegExp(`^(?:(?:const|let|var)\\s.*=\\s*)?(?:${Object.values(HOOK_HELPERS).flat().join('|')})\\(`, 'm');

const NEEDS_OWN_PROCESS: readonly (readonly [RegExp, string])[] = [
  [/^\/\/ test-isolation: process\b/m, 'asks for its own process'],
  [/^(before|after|beforeEach|afterEach)\(/m, 'top-level hooks'],
  [HOOK_HELPER_CALL, 'top-level hooks'],
  [/process\.(on|once|addListener|prependListener|prependOnceListener)\(/, 'process listeners'],
  [/process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|Object\.assign\(process\.env\b/, 'changes the environment'],
  [/process\.(exitCode|chdir|exit\(|abort\(|setUncaughtExceptionCaptureCallback)/, 'process-wide state'],
  [/^(const|let|var)\s.*=\s*await\s|^await\s/m, 'top-level await'],
];

/** Why a test file (its source text) needs a process of its own, or undefined when it can share one. */
export function needsOwnProcess(source: string): string | undefined {
  return NEEDS_OWN_PROCESS.find(([pattern]) => pattern.test(source))?.[1];
}
