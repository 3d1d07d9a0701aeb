/**
 * A `node --test` reporter that prints where the suite's time goes: the wall time of each test
 * file (from the previous file's last event to its own; meaningful when files run one at a time:
 * --test-concurrency=1, or one shared process), slowest first, and the total. Use it next to the
 * usual reporter (test/run-suite.ts writes durations.shared.txt and durations.isolated.txt):
 *
 *   node test/run-suite.ts --test-reporter=spec --test-reporter-destination=stdout \
 *     --test-reporter=./test/helpers/file-durations-reporter.ts --test-reporter-destination=durations.txt
 *
 * SLUICE_DURATIONS_TOP sets how many files are listed (default 25).
 */
import { relative } from 'node:path';

interface FileTimes {
  last: number;
  tests: number;
  skipped: number;
}

export default async function* fileDurations(source: AsyncIterable<{ type: string; data?: { file?: string; nesting?: number; skip?: unknown } }>): AsyncGenerator<string> {
  const started = Date.now();
  const files = new Map<string, FileTimes>();
  for await (const event of source) {
    const file = event.data?.file;
    // Queueing events name every file at the start: they say nothing about when a file ran.
    if (file === undefined || event.type === 'test:enqueue') continue;
    const name = relative(process.cwd(), file);
    const times = files.get(name) ?? { last: 0, tests: 0, skipped: 0 };
    times.last = Date.now();
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data?.nesting === 0) {
      times.tests++;
      if (event.data.skip !== undefined && event.data.skip !== false) times.skipped++;
    }
    files.set(name, times);
  }
  let previous = started;
  const rows = [...files].sort((a, b) => a[1].last - b[1].last).map(([name, t]) => {
    const ms = t.last - previous;
    previous = t.last;
    return { name, ms, ...t };
  });
  const top = Number(process.env.SLUICE_DURATIONS_TOP ?? 25);
  yield `${rows.length} files in ${((previous - started) / 1000).toFixed(0)} s; the slowest:\n`;
  for (const r of rows.sort((a, b) => b.ms - a.ms).slice(0, top)) {
    yield `${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.name} (${r.tests} test${r.tests === 1 ? '' : 's'}${r.skipped > 0 ? `, ${r.skipped} skipped` : ''})\n`;
  }
}
