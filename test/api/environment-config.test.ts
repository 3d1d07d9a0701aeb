import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CheckpointingMode,
  ExternalizedCheckpointRetention,
  JobConfigurationError,
  RichMapFunction,
  SluiceError,
  StreamExecutionEnvironment,
  UnsupportedSettingError,
  WatermarkStrategy,
  type CheckpointListener,
  type RuntimeContext,
  type Sink,
} from 'sluice';
import { ManualClock, TestSink, TestSource } from 'sluice/testing';

const refused = (fn: () => unknown, setting: RegExp): void =>
  assert.throws(fn, (e: unknown) => e instanceof UnsupportedSettingError && e.code === 'SLUICE_UNSUPPORTED_SETTING' && setting.test(e.message));

test('getConfig(): parallelism, max parallelism, watermark interval and object reuse with Flink names', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  const config = env.getConfig();
  config.setParallelism(3).setMaxParallelism(64).setAutoWatermarkInterval(50);
  assert.equal(env.getParallelism(), 3);
  assert.equal(env.getMaxParallelism(), 64);
  assert.equal(env.getAutoWatermarkInterval(), 50);
  assert.equal(config.getMaxParallelism(), 64);
  assert.equal(config.enableObjectReuse().isObjectReuseEnabled(), true);
  refused(() => config.disableObjectReuse(), /disableObjectReuse/);
  assert.throws(() => config.setAutoWatermarkInterval(-1), JobConfigurationError);
});

test('global job parameters reach every function through its RuntimeContext', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.getConfig().setGlobalJobParameters(new Map([['suffix', '!'], ['n', '3']]));
  class Suffix extends RichMapFunction<string, string> {
    suffix = '';
    override open(ctx: RuntimeContext): void {
      this.suffix = ctx.getGlobalJobParameters().suffix!.repeat(Number(ctx.getGlobalJobParameters().n));
    }
    map(v: string): string {
      return v + this.suffix;
    }
  }
  const out = await env.fromElements('a', 'b').rebalance().map(new Suffix()).executeAndCollect();
  assert.deepEqual(out.sort(), ['a!!!', 'b!!!']);
  env.getConfig().setGlobalJobParameters({ toMap: () => ({ x: 'y' }) });
  assert.deepEqual(env.getConfig().getGlobalJobParameters(), { x: 'y' });
});

test('getCheckpointConfig(): honoured settings round-trip; unsupported ones are refused naming the setting', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const cp = env.getCheckpointConfig();
  assert.equal(cp.getCheckpointingMode(), CheckpointingMode.AT_LEAST_ONCE);
  assert.equal(cp.getCheckpointTimeout(), 600_000, "Flink's default timeout: 10 minutes");
  assert.equal(cp.getTolerableCheckpointFailureNumber(), 0);
  env.enableCheckpointing(2000, CheckpointingMode.AT_LEAST_ONCE);
  cp.setCheckpointTimeout(30_000).setMinPauseBetweenCheckpoints(500).setTolerableCheckpointFailureNumber(2).setMaxConcurrentCheckpoints(1);
  cp.setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
  assert.equal(env.getCheckpointInterval(), 2000);
  assert.equal(cp.getCheckpointInterval(), 2000);
  assert.equal(cp.getMinPauseBetweenCheckpoints(), 500);
  assert.equal(cp.getTolerableCheckpointFailureNumber(), 2);
  assert.equal(cp.isExternalizedCheckpointsEnabled(), true);
  cp.setCheckpointingConsistencyMode(CheckpointingMode.EXACTLY_ONCE);
  assert.equal(cp.getCheckpointingMode(), CheckpointingMode.EXACTLY_ONCE, 'exactly-once is a job setting');
  env.enableCheckpointing(2000, CheckpointingMode.AT_LEAST_ONCE);
  assert.throws(() => cp.setCheckpointingMode('SOMETIMES' as never), JobConfigurationError);
  refused(() => cp.setMaxConcurrentCheckpoints(2), /setMaxConcurrentCheckpoints\(2\).*one checkpoint at a time/);
  refused(() => cp.setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION), /RETAIN_ON_CANCELLATION.*savepoint/);
  refused(() => cp.setCheckpointStorage('file:///tmp/cp'), /setCheckpointStorage/);
  assert.equal(env.getCheckpointInterval(), 2000, 'a refused call changes nothing');
  assert.throws(() => cp.setCheckpointTimeout(0), JobConfigurationError);
  assert.throws(() => cp.setTolerableCheckpointFailureNumber(-1), JobConfigurationError);
});

/** Records the processing time of every completed and aborted checkpoint. */
class Listening extends RichMapFunction<string, string> implements CheckpointListener {
  static completed: Array<[number, number]> = [];
  static aborted: number[] = [];
  ctx!: RuntimeContext;
  override open(ctx: RuntimeContext): void {
    this.ctx = ctx;
  }
  map(v: string): string {
    return v;
  }
  notifyCheckpointComplete(id: number): void {
    Listening.completed.push([id, this.ctx.getCurrentProcessingTime()]);
  }
  notifyCheckpointAborted(id: number): void {
    Listening.aborted.push(id);
  }
}

async function checkpointTimes(minPause: number): Promise<number[]> {
  Listening.completed = [];
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, checkpointInterval: 100 });
  env.getCheckpointConfig().setMinPauseBetweenCheckpoints(minPause);
  const src = new TestSource<string>({ clock }).emit('a');
  for (let i = 0; i < 25; i++) src.advanceTime(100);
  env.fromSource(src, WatermarkStrategy.noWatermarks(), 'src').map(new Listening()).sinkTo(new TestSink<string>());
  await env.execute('cp');
  return Listening.completed.map(([, t]) => t);
}

test('checkpoints run every interval; the min pause spaces them from the end of the previous one', async () => {
  const every = await checkpointTimes(0);
  assert.deepEqual(every.slice(0, 5), [100, 200, 300, 400, 500]);
  const spaced = await checkpointTimes(1000);
  // 100, then not before 1100, then not before 2100; the final checkpoint at the end of input (2500).
  assert.deepEqual(spaced, [100, 1100, 2100, 2500]);
});

/** A sink whose flush hangs until released; `running` resolves with the first record. */
function hangingSink(): { sink: Sink<string>; running: Promise<void>; flushing: Promise<void>; release: () => void } {
  let first!: () => void;
  const running = new Promise<void>((r) => (first = r));
  let started!: () => void;
  const flushing = new Promise<void>((r) => (started = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let hang = true;
  const sink: Sink<string> = {
    createWriter: () => ({
      write: () => first(),
      flush: async (end) => {
        if (end || !hang) return;
        started();
        await released;
        hang = false;
      },
    }),
  };
  return { sink, running, flushing, release };
}

test('an expired checkpoint commits nothing, tells listeners it was aborted, and fails the job beyond the tolerable count', async () => {
  Listening.aborted = [];
  Listening.completed = [];
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, checkpointInterval: 100 });
  env.getCheckpointConfig().setCheckpointTimeout(500);
  const { sink, running, flushing } = hangingSink();
  env.fromSource(new TestSource<string>({ clock }).emit('a').keepOpen(), WatermarkStrategy.noWatermarks(), 'src').map(new Listening()).sinkTo(sink);
  const client = await env.executeAsync('expiring');
  await running; // the checkpoint timer is scheduled once the job runs
  clock.advance(100);
  await flushing;
  clock.advance(600);
  await assert.rejects(client.result, (e: unknown) => {
    assert.ok(e instanceof SluiceError);
    assert.equal(e.code, 'SLUICE_CHECKPOINT_FAILED');
    assert.match(e.message, /checkpoint 1 .*expired after 600 ms \(checkpoint timeout 500 ms\).*setCheckpointTimeout/s);
    return true;
  });
  assert.deepEqual(Listening.aborted, [1]);
  assert.deepEqual(Listening.completed, []);
});

test('with tolerable failures, an expired checkpoint is logged and the next one completes', async () => {
  Listening.aborted = [];
  Listening.completed = [];
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, checkpointInterval: 100 });
  env.getCheckpointConfig().setCheckpointTimeout(500).setTolerableCheckpointFailureNumber(1);
  const { sink, running, flushing, release } = hangingSink();
  let completed!: () => void;
  const secondDone = new Promise<void>((r) => (completed = r));
  let aborted!: () => void;
  const firstAborted = new Promise<void>((r) => (aborted = r));
  class Notify extends Listening {
    override notifyCheckpointComplete(id: number): void {
      super.notifyCheckpointComplete(id);
      completed();
    }
    override notifyCheckpointAborted(id: number): void {
      super.notifyCheckpointAborted(id);
      aborted();
    }
  }
  env.fromSource(new TestSource<string>({ clock }).emit('a').keepOpen(), WatermarkStrategy.noWatermarks(), 'src').map(new Notify()).sinkTo(sink);
  const client = await env.executeAsync('tolerating');
  await running;
  clock.advance(100);
  await flushing;
  clock.advance(600);
  await firstAborted;
  release();
  clock.advance(100);
  await secondDone;
  assert.deepEqual(Listening.aborted, [1]);
  assert.equal(Listening.completed[0]![0], 2);
  assert.equal(client.getJobStatus(), 'RUNNING');
  client.cancel();
  await client.result.catch(() => {});
});

test('a flush that fails after its checkpoint expired still fails the job (its records would be lost)', async () => {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ clock, checkpointInterval: 100 });
  env.getCheckpointConfig().setCheckpointTimeout(500).setTolerableCheckpointFailureNumber(5);
  let first!: () => void;
  const running = new Promise<void>((r) => (first = r));
  let started!: () => void;
  const flushing = new Promise<void>((r) => (started = r));
  let reject!: (e: Error) => void;
  const sink: Sink<string> = {
    createWriter: () => ({
      write: () => first(),
      flush: (end) => (end ? undefined : (started(), new Promise<void>((_, rej) => (reject = rej)))),
    }),
  };
  let abortedOnce!: () => void;
  const aborted = new Promise<void>((r) => (abortedOnce = r));
  class Aborts extends Listening {
    override notifyCheckpointAborted(id: number): void {
      super.notifyCheckpointAborted(id);
      abortedOnce();
    }
  }
  env.fromSource(new TestSource<string>({ clock }).emit('a').keepOpen(), WatermarkStrategy.noWatermarks(), 'src').map(new Aborts()).sinkTo(sink);
  const client = await env.executeAsync('late failure');
  await running;
  clock.advance(100);
  await flushing;
  clock.advance(600);
  await aborted;
  reject(new Error('broker said no'));
  await assert.rejects(client.result, /broker said no/);
});
