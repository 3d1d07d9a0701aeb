import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JobConfigurationError, MissingTimestampError, StreamExecutionEnvironment, TumblingEventTimeWindows, UserFunctionError,
  WatermarkStrategy, GeneratorSource, TumblingProcessingTimeWindows,
} from 'sluice';

test('a throwing user function fails the job naming the operator, its uid and the record', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromElements({ id: 1 }, { id: 2 })
    .map((e) => {
      if (e.id === 2) throw new Error('boom');
      return e;
    })
    .name('parse')
    .uid('parse-v1')
    .print();
  await assert.rejects(env.execute('failing'), (e: unknown) => {
    assert.ok(e instanceof UserFunctionError);
    assert.equal(e.code, 'SLUICE_USER_FUNCTION_FAILED');
    assert.equal(e.operatorName, 'parse');
    assert.equal(e.operatorUid, 'parse-v1');
    assert.deepEqual(e.record, { id: 2 });
    assert.match(e.message, /operator 'parse' \(uid 'parse-v1'\) failed on record \{"id":2\}: boom/);
    assert.equal((e.cause as Error).message, 'boom');
    return true;
  });
});

test('errors from a downstream operator are not re-wrapped by upstream functions (flatMap collector)', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out = env
    .fromElements('a b')
    .flatMap((l: string) => l.split(' '))
    .filter((w) => {
      if (w === 'b') throw new TypeError('bad word');
      return true;
    })
    .name('check');
  await assert.rejects(out.executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && e.operatorName === 'check' && e.record === 'b');
});

test('key selector and timestamp assigner failures name the record too', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const s = env.fromElements({ k: 'a' }, null as unknown as { k: string }).keyBy((e) => e.k).reduce((a) => a);
  await assert.rejects(s.executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && /extracting the key of record null/.test(e.message));
  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  const t = env2.fromSource(
    new GeneratorSource((i) => i, { count: 3 }),
    WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => {
      if (i === 1) throw new Error('no ts');
      return i;
    }),
    'gen',
  );
  await assert.rejects(t.executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && e.operatorName === 'Source: gen' && e.record === 1);
});

test('configuration mistakes fail at build time with what to do', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const noTs = env.fromElements(1, 2, 3);
  assert.throws(
    () => noTs.keyBy((n) => n).window(TumblingEventTimeWindows.of(1000)),
    (e: unknown) => e instanceof JobConfigurationError && e.code === 'SLUICE_INVALID_JOB' && /assignTimestampsAndWatermarks/.test(e.message),
  );
  assert.throws(() => noTs.windowAll(TumblingEventTimeWindows.of(1000)), JobConfigurationError);
  assert.doesNotThrow(() => noTs.keyBy((n) => n).window(TumblingProcessingTimeWindows.of(1000)));
  // Flink accepts allowedLateness on processing-time windows (it has no effect there).
  assert.doesNotThrow(() => noTs.keyBy((n) => n).window(TumblingProcessingTimeWindows.of(1000)).allowedLateness(10));
  assert.throws(() => env.setParallelism(0), /parallelism must be an integer >= 1/);
  assert.throws(() => noTs.map((n) => n).setParallelism(1.5), JobConfigurationError);
  assert.throws(() => noTs.union(noTs).uid('x'), /applies to an operator/);
  assert.throws(() => noTs.map(42 as never), /expects a function or an object with a 'map' method/);
});

test('execute() without sinks, duplicate uids, batch mode over unbounded sources, parallel windowAll', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromElements(1).map((x) => x);
  await assert.rejects(env.execute(), /has no sink/);

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  env2.fromElements(1).map((x) => x).uid('same').print();
  env2.fromElements(2).map((x) => x).uid('same').print();
  await assert.rejects(env2.execute(), /uid 'same' is used by more than one operator/);

  const env3 = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: 'batch' });
  env3.fromSource(new GeneratorSource((i) => i), WatermarkStrategy.noWatermarks(), 'endless').print();
  await assert.rejects(env3.execute(), /runtimeMode 'batch' needs bounded sources, but 'Source: endless' is unbounded/);

  const env4 = StreamExecutionEnvironment.getExecutionEnvironment();
  env4.fromElements(1).windowAll(TumblingProcessingTimeWindows.of(10)).process((_c, els, out) => out.collect(els.length)).setParallelism(2).print();
  await assert.rejects(env4.execute(), /cannot run with parallelism 2 \(at most 1\)/);
});

test('a record without timestamp reaching an event-time window fails with SLUICE_MISSING_TIMESTAMP', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  // The strategy claims timestamps, but the source gives none and no assigner is set.
  const s = env
    .fromSource(new GeneratorSource((i) => i, { count: 2 }), WatermarkStrategy.forMonotonousTimestamps<number>(), 'gen')
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(() => Number.NEGATIVE_INFINITY))
    .keyBy((n) => n)
    .window(TumblingEventTimeWindows.of(10))
    .reduce((a, b) => a + b);
  await assert.rejects(s.executeAndCollect(), (e: unknown) => e instanceof MissingTimestampError && e.code === 'SLUICE_MISSING_TIMESTAMP');
});

test('a timestamp assigner returning a non-number, or a timer at NaN, fails with advice', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const s = env
    .fromElements({ t: 'soon' })
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ t: string }>().withTimestampAssigner((e) => e.t as unknown as number));
  await assert.rejects(s.executeAndCollect(), /returned soon; it must return milliseconds since the epoch/);
  const t = env.fromElements(1).keyBy((n) => n).process((_n, ctx) => ctx.timerService().registerEventTimeTimer(Number.NaN));
  await assert.rejects(t.executeAndCollect(), /a timer needs a timestamp in ms/);
});

test('a failing source reader fails the job with SLUICE_SOURCE_FAILED', async () => {
  const { FileSource, SourceFailedError } = await import('sluice');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const s = env.fromSource(FileSource.forLines('/nonexistent/sluice/input.txt'), WatermarkStrategy.noWatermarks(), 'missing file');
  await assert.rejects(s.executeAndCollect(), (e: unknown) => e instanceof SourceFailedError && e.code === 'SLUICE_SOURCE_FAILED' && /source 'Source: missing file'.*ENOENT/.test(e.message));
});
