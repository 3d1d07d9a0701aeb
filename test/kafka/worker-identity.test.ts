import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerIdentity, type ProcessProbe } from '../../src/kafka/worker-identity.ts';
import { WorkerSlotError } from '../../src/kafka/errors.ts';
import { tempDir } from '../helpers/tmp-dir.ts';

/** A probe over a fake process table: pid → start time. */
const fakeProbe = (table: Record<number, number>): ProcessProbe => ({ startTimeOf: (pid) => table[pid] });

test('takes the first free slot; a running owner keeps its slot; release frees it', () => {
  const { dir, cleanup } = tempDir();
  try {
    const probe = fakeProbe({ 10: 100, 11: 111 });
    const a = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe, pid: 10 });
    const b = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe, pid: 11 });
    assert.equal(a.slot, 0);
    assert.equal(b.slot, 1);
    assert.equal(a.dir, join(dir, 'job', 'worker-0'));
    assert.equal(a.transactionalId('orders'), 'orders-0');
    assert.deepEqual(JSON.parse(readFileSync(join(a.dir, 'lock'), 'utf8')).pid, 10);
    a.release();
    assert.equal(existsSync(join(dir, 'job', 'worker-0', 'lock')), false);
    const c = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe, pid: 11 });
    assert.equal(c.slot, 0, 'the released slot is the first free one again');
  } finally {
    cleanup();
  }
});

test('a slot whose owner is gone, or whose pid now belongs to another process, is taken over', () => {
  const { dir, cleanup } = tempDir();
  try {
    WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe: fakeProbe({ 20: 200 }), pid: 20 });
    WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe: fakeProbe({ 20: 200, 21: 210 }), pid: 21 });
    // pid 20 died; pid 21 was recycled by a process that started later.
    const probe = fakeProbe({ 21: 999, 30: 300 });
    const me = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe, pid: 30 });
    assert.equal(me.slot, 0);
    const next = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job', probe: fakeProbe({ 30: 300, 31: 310 }), pid: 31 });
    assert.equal(next.slot, 1, 'slot 1 held by a recycled pid is stale as well');
    // A garbage lock (a crash while an old version wrote it) is stale too.
    mkdirSync(join(dir, 'job2', 'worker-0'), { recursive: true });
    writeFileSync(join(dir, 'job2', 'worker-0', 'lock'), '{"pi');
    assert.equal(WorkerIdentity.acquire({ stateDir: dir, jobId: 'job2', probe, pid: 30 }).slot, 0);
  } finally {
    cleanup();
  }
});

test('a job id that cannot be a directory name is refused', () => {
  for (const bad of ['../x', 'a/b', '..', '']) {
    assert.throws(() => WorkerIdentity.acquire({ stateDir: '/tmp', jobId: bad }), WorkerSlotError);
  }
});

const HOLDER = fileURLToPath(new URL('./fixtures/hold-slot.ts', import.meta.url));

function holdSlot(stateDir: string): Promise<{ child: ChildProcess; slot: number }> {
  const child = spawn(process.execPath, [HOLDER, stateDir, 'job'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /slot (\d+)/.exec(out);
      if (m) resolve({ child, slot: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code} before taking a slot`)));
  });
}
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

test('across processes: a SIGSTOPped owner keeps its slot, a SIGKILLed one frees it', { timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const a = await holdSlot(dir);
  try {
    assert.equal(a.slot, 0);
    a.child.kill('SIGSTOP');
    const meanwhile = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job' });
    assert.equal(meanwhile.slot, 1, 'the frozen process still holds slot 0: a replacement takes a new slot');
    const b = await holdSlot(dir);
    assert.equal(b.slot, 2, 'another process takes the next one');
    meanwhile.release();
    b.child.stdin!.end();
    await exited(b.child);

    a.child.kill('SIGKILL');
    await exited(a.child);
    const after = WorkerIdentity.acquire({ stateDir: dir, jobId: 'job' });
    assert.equal(after.slot, 0, 'the killed process held nothing: its slot is taken again (same transactional id)');
    after.release();
  } finally {
    a.child.kill('SIGKILL');
    cleanup();
  }
});
