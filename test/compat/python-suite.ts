import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

/** Runs one of the Python scenario scripts against `bootstrap` and returns its JSON report. */
export function runPythonSuite(script: string, bootstrap: string): Promise<any> {
  const path = fileURLToPath(new URL(`./python/${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [path, bootstrap], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${err.message}\n${stderr.slice(-4000)}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no report:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}

/** The assertions shared by the Python scenarios (see the scripts for what they do). */
export function assertPythonReport(report: any, prefix: string, codecs: string[]): void {
  for (const codec of codecs) {
    assert.deepEqual(
      report.codecs[codec],
      { count: 10_000, allDistinct: true, ordered: true, keysMatch: true },
      `${prefix} ${codec}: 10,000 keyed messages back, in order`,
    );
  }
  const g = report.group;
  assert.equal(g.delivered, 6000, 'every message of the group phase delivered');
  assert.ok(g.deliveredBeforeLeave > 0 && g.deliveredBeforeLeave < 6000, 'membership changed mid-stream');
  assert.deepEqual([...g.assignments.a, ...g.assignments.c].sort(), [0, 1, 2], 'the two remaining members own all partitions');
  assert.deepEqual(g.committed, g.endOffsets, 'committed offsets equal end offsets');
  assert.equal(g.endOffsets.reduce((s: number, x: number) => s + x, 0), 6000);
  assert.ok(report.admin.listed.includes(`${prefix}-none`) && report.admin.listed.includes(`${prefix}-group`));
  assert.equal(report.admin.partitions, 3);
  assert.ok(!report.admin.afterDelete.includes(`${prefix}-none`), 'deleted topic is gone');
}
