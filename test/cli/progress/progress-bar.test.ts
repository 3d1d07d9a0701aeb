import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compact, progressLine } from '../../../src/cli/progress/progress-line.ts';
import { startProgress, type ProgressStream } from '../../../src/cli/progress/progress-bar.ts';

test('a progress line: bar, percentage, counts, rate and ETA; without a total, counts and rate', () => {
  assert.equal(
    progressLine('reading', 'records', { done: 150_000, total: 300_000, rate: 50_000 }),
    'reading [############------------]  50% 150.0k/300.0k records 50.0k/s ETA 3s',
  );
  assert.equal(progressLine('sending', 'lines', { done: 12, rate: 3 }), 'sending 12 lines 3/s');
  assert.match(progressLine('reading', 'records', { done: 10, total: 100, rate: 0 }), /ETA \?$/);
  assert.match(progressLine('reading', 'records', { done: 100, total: 100, rate: 9 }), /\[#{24}\] 100% .* done$/);
  assert.deepEqual([compact(999), compact(12_345), compact(2_500_000), compact(3e9)], ['999', '12.3k', '2.50M', '3.00G']);
});

class FakeTerminal implements ProgressStream {
  readonly isTTY: boolean;
  readonly columns: number;
  written = '';
  constructor(tty: boolean, columns = 100) {
    this.isTTY = tty;
    this.columns = columns;
  }
  write(text: string): boolean {
    this.written += text;
    return true;
  }
}

test('on a terminal the line is redrawn in place with a rate from the samples, and cleared at the end', () => {
  const term = new FakeTerminal(true);
  let now = 0;
  let done = 0;
  const p = startProgress({ stream: term, label: 'reading', unit: 'records', read: () => ({ done, total: 1000 }), now: () => now, intervalMs: 60_000 }, {});
  now = 2_000;
  done = 400;
  p.render();
  const lines = term.written.split('\r\u001b[2K').filter(Boolean);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^reading \[#+-+\]  40% 400\/1000 records 200\/s ETA 3s$/);
  assert.ok(lines.every((l) => l.length < term.columns), 'never wider than the terminal');
  p.stop();
  assert.ok(term.written.endsWith('\r\u001b[2K'), 'the line is cleared');
  const narrow = new FakeTerminal(true, 30);
  startProgress({ stream: narrow, label: 'reading', unit: 'records', read: () => ({ done, total: 1000 }), now: () => now, intervalMs: 60_000 }, {}).stop();
  assert.equal(narrow.written, '\r\u001b[2Kreading [##########----------\r\u001b[2K');
});

test('nothing at all when stderr is not a terminal, or with SLUICE_PROGRESS=0', () => {
  for (const [tty, env] of [[false, {}], [true, { SLUICE_PROGRESS: '0' }]] as const) {
    const term = new FakeTerminal(tty);
    const p = startProgress({ stream: term, label: 'reading', unit: 'records', read: () => ({ done: 1 }), now: () => 0 }, env);
    p.render();
    p.stop();
    assert.equal(term.written, '');
  }
});
