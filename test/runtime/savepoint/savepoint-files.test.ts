import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  KeyedProcessFunction,
  NonRestoredStateError,
  SavepointFormatError,
  SluiceError,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedContext,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { JobSnapshot } from '../../../src/runtime/executor/job-client.ts';
import { readSavepoint } from '../../../src/runtime/savepoint/savepoint-reader.ts';
import { writeSavepoint } from '../../../src/runtime/savepoint/savepoint-writer.ts';
import { TestSink, TestSource } from '../../../src/testing/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

class Count extends KeyedProcessFunction<string, string, string> {
  count!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }
  processElement(key: string, ctx: KeyedContext<string>, out: Collector<string>): void {
    this.count.update(this.count.value() + 1);
    ctx.timerService().registerEventTimeTimer(1_000 + this.count.value());
    out.collect(`${key}=${this.count.value()}`);
  }
}

/** A keyed counting job; `uid` names its counting operator. */
function countJob(parallelism: number, input: string[], uid: string, keepOpen = false) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
  let reached: () => void = () => {};
  const all = new Promise<void>((resolve) => (reached = resolve));
  const sink = new TestSink<string>({ onRecord: (_r, records) => void (records.length === input.length && reached()) });
  const source = new TestSource<string>().emitAll(input);
  if (keepOpen) source.keepOpen();
  env.fromSource(source, WatermarkStrategy.noWatermarks(), 'keys').uid('keys').keyBy((k) => k).process(new Count()).uid(uid).sinkTo(sink);
  return { env, sink, all };
}

const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);

/** A real snapshot: the counting job after one record per key. */
async function takeSnapshot(): Promise<JobSnapshot> {
  const { env, all } = countJob(3, keys, 'count', true);
  const running = await env.executeAsync('first');
  await all;
  const snapshot = await running.triggerSavepoint();
  running.cancel();
  await running.result.catch(() => {});
  return { ...snapshot, sources: {} };
}

function writeOne(dir: string, snapshot: JobSnapshot): string {
  return writeSavepoint(dir, snapshot, { jobId: 'first', timestamp: 1_700_000_000_000, operators: new Map([['count', { name: 'KeyedProcess', parallelism: 3, watermarks: [1, 2, 3] }]]) });
}

test('a savepoint directory round-trips: written atomically (no temp dir left), _metadata lists every file, state restores at another parallelism', async () => {
  const { dir, cleanup } = tempDir('sluice-sp-files-');
  try {
    const snapshot = await takeSnapshot();
    const path = writeOne(dir, snapshot);
    assert.deepEqual(readdirSync(dir), [path.split('/').at(-1)], 'only the final directory, no .inprogress left');
    const meta = JSON.parse(readFileSync(join(path, '_metadata'), 'utf8'));
    assert.equal(meta.format, 'sluice-savepoint');
    assert.equal(meta.version, 1);
    assert.equal(meta.operators[0].uid, 'count');
    assert.equal(meta.operators[0].maxParallelism, 128);
    const loaded = readSavepoint(path);
    assert.deepEqual(loaded.snapshot.operators, snapshot.operators, 'state decodes to what was written');
    assert.deepEqual(readSavepoint(join(path, '_metadata')).snapshot.checkpointId, snapshot.checkpointId, 'the _metadata file path works too');

    // Resumed at parallelism 2 from the directory: every key continues from its count.
    const { env, sink } = countJob(2, keys, 'count');
    await env.execute('second', { fromSavepoint: path });
    assert.equal(sink.values.length, keys.length);
    for (const v of sink.values) assert.match(v, /=2$/, `${v}: restored count 1, then one more`);
  } finally {
    cleanup();
  }
});

test('partial or corrupt savepoints are refused with SavepointFormatError (SLUICE_SAVEPOINT_INVALID); nothing runs', async () => {
  const { dir, cleanup } = tempDir('sluice-sp-files-');
  try {
    const snapshot = await takeSnapshot();
    const refused = async (path: string, message: RegExp): Promise<void> => {
      const { env, sink } = countJob(1, keys, 'count');
      await assert.rejects(env.execute('x', { fromSavepoint: path }), (e: unknown) => {
        assert.ok(e instanceof SavepointFormatError, String(e));
        assert.equal(e.code, 'SLUICE_SAVEPOINT_INVALID');
        assert.match(e.message, message);
        return true;
      });
      assert.equal(sink.values.length, 0);
    };
    // A crash before the final rename leaves a temp directory without _metadata under another name.
    const noMeta = writeOne(join(dir, 'a'), snapshot);
    rmSync(join(noMeta, '_metadata'));
    await refused(noMeta, /no _metadata file: the savepoint never completed/);

    const flipped = writeOne(join(dir, 'b'), snapshot);
    const file = join(flipped, 'operators', '0.state');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    await refused(flipped, /operators\/0\.state is damaged: its size or SHA-256 differs/);

    const missing = writeOne(join(dir, 'c'), snapshot);
    rmSync(join(missing, 'sources.state'));
    await refused(missing, /sources\.state is missing/);

    const newer = writeOne(join(dir, 'd'), snapshot);
    const meta = JSON.parse(readFileSync(join(newer, '_metadata'), 'utf8'));
    writeFileSync(join(newer, '_metadata'), JSON.stringify({ ...meta, version: 2 }));
    await refused(newer, /format version is 2; this Sluice reads version 1/);

    const escaping = writeOne(join(dir, 'e'), snapshot);
    writeFileSync(join(escaping, '_metadata'), JSON.stringify({ ...meta, operators: [{ ...meta.operators[0], file: '../../etc/passwd' }] }));
    await refused(escaping, /not inside the savepoint/);

    const truncated = writeOne(join(dir, 'f'), snapshot);
    writeFileSync(join(truncated, '_metadata'), readFileSync(join(truncated, '_metadata'), 'utf8').slice(0, 40));
    await refused(truncated, /_metadata is not valid JSON/);

    await refused(join(dir, 'nowhere'), /no such directory/);
    assert.ok(existsSync(join(dir, 'a')));
  } finally {
    cleanup();
  }
});

test('state of a uid the job no longer has is refused naming the uid (NonRestoredStateError), or dropped with allowNonRestoredState', async () => {
  const { dir, cleanup } = tempDir('sluice-sp-files-');
  try {
    const path = writeOne(dir, await takeSnapshot());
    const { env, sink } = countJob(2, keys, 'renamed');
    await assert.rejects(env.execute('changed', { fromSavepoint: path }), (e: unknown) => {
      assert.ok(e instanceof NonRestoredStateError, String(e));
      assert.equal(e.code, 'SLUICE_SAVEPOINT_NON_RESTORED_STATE');
      assert.deepEqual(e.uids, ['count']);
      assert.match(e.message, /uid\(s\) 'count'.*--allow-non-restored-state/s);
      return true;
    });
    assert.equal(sink.values.length, 0, 'nothing ran');
    const { env: env2, sink: sink2 } = countJob(2, keys, 'renamed');
    await env2.execute('changed', { fromSavepoint: path, allowNonRestoredState: true });
    assert.ok(sink2.values.every((v) => v.endsWith('=1')), 'the renamed operator starts empty');

    // Max parallelism cannot change across a savepoint (Flink's rule).
    const { env: env3 } = countJob(2, keys, 'count');
    env3.setMaxParallelism(64);
    await assert.rejects(env3.execute('rescaled', { fromSavepoint: path }), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_SAVEPOINT_INCOMPATIBLE' && /128 key groups/.test(e.message));
  } finally {
    cleanup();
  }
});
