import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ListStateDescriptor,
  RichMapFunction,
  StreamExecutionEnvironment,
  UserFunctionError,
  WatermarkStrategy,
  type CheckpointedFunction,
  type CheckpointListener,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type JobSnapshot,
  type ListState,
  type RuntimeContext,
  type SinkWriterContext,
} from 'sluice';
import { TestSink, TestSource } from 'sluice/testing';

/** Remembers every value it saw in split list state and its subtask in union list state. */
class Remembering extends RichMapFunction<string, string> implements CheckpointedFunction {
  seen: string[] = [];
  restored = false;
  index = -1;
  seenState!: ListState<string>;
  who!: ListState<number>;
  initializeState(ctx: FunctionInitializationContext): void {
    this.seenState = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('seen'));
    this.who = ctx.getOperatorStateStore().getUnionListState(new ListStateDescriptor<number>('subtasks'));
    this.restored = ctx.isRestored();
    this.seen = this.seenState.get();
  }
  override open(ctx: RuntimeContext): void {
    this.index = ctx.getIndexOfThisSubtask();
  }
  map(v: string): string {
    this.seen.push(v);
    return `${v}@${this.index} restored=${this.restored} had=[${[...this.seen].sort().join(',')}] union=[${this.who.get().sort().join(',')}]`;
  }
  snapshotState(_ctx: FunctionSnapshotContext): void {
    this.seenState.update(this.seen);
    this.who.update([this.index]);
  }
}

async function runAndSavepoint(parallelism: number, input: string[]): Promise<{ savepoint: JobSnapshot; out: string[] }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
  let all!: () => void;
  const done = new Promise<void>((r) => (all = r));
  const sink = new TestSink<string>({ onRecord: (_r, rs) => void (rs.length === input.length && all()) });
  env.fromSource(new TestSource<string>().emitAll(input).keepOpen(), WatermarkStrategy.noWatermarks(), 'in').rebalance().map(new Remembering()).uid('remember').sinkTo(sink);
  const client = await env.executeAsync('first');
  await done;
  const savepoint = structuredClone(await client.triggerSavepoint());
  client.cancel();
  await client.result.catch(() => {});
  return { savepoint, out: sink.values };
}

test('CheckpointedFunction: initializeState before open, state in savepoints, list state split evenly and union state to all on rescale', async () => {
  const { savepoint, out } = await runAndSavepoint(2, ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.ok(out.every((v) => v.includes('restored=false')));
  const snaps = savepoint.operators.remember!;
  assert.deepEqual(snaps.map((s) => s.functionState?.seen?.values.length), [3, 3], 'round robin: three values each');
  assert.deepEqual(snaps.map((s) => s.functionState?.subtasks), [{ mode: 'union', values: [0] }, { mode: 'union', values: [1] }]);

  // Restore at parallelism 3: six values in subtask order [a,c,e | b,d,f] split 2/2/2; the union state everywhere.
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink = new TestSink<string>();
  env.fromElements('x', 'y', 'z').rebalance().map(new Remembering()).uid('remember').sinkTo(sink);
  await env.execute('restored', { restoreFrom: { ...savepoint, sources: {} } });
  const bySubtask = sink.values.sort();
  assert.deepEqual(bySubtask, [
    'x@0 restored=true had=[a,c,x] union=[0,1]',
    'y@1 restored=true had=[b,e,y] union=[0,1]',
    'z@2 restored=true had=[d,f,z] union=[0,1]',
  ]);
});

test('CheckpointedFunction at checkpoints: snapshotState, then notifyCheckpointComplete after the sources committed', async () => {
  const calls: string[] = [];
  class Observed extends RichMapFunction<string, string> implements CheckpointedFunction, CheckpointListener {
    count = 0;
    initializeState(ctx: FunctionInitializationContext): void {
      calls.push(`init restored=${ctx.isRestored()} id=${ctx.getRestoredCheckpointId()}`);
    }
    override open(): void {
      calls.push('open');
    }
    map(v: string): string {
      this.count++;
      return v;
    }
    snapshotState(ctx: FunctionSnapshotContext): void {
      calls.push(`snapshot ${ctx.getCheckpointId()} after ${this.count}`);
    }
    notifyCheckpointComplete(id: number): void {
      calls.push(`complete ${id}`);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  await env.fromElements('a', 'b', 'c').map(new Observed()).executeAndCollect();
  // A bounded job takes its final checkpoint at the end of input.
  assert.deepEqual(calls, ['init restored=false id=undefined', 'open', 'snapshot 1 after 3', 'complete 1']);
});

test('a sink function can be a CheckpointedFunction (Flink\'s BufferingSink)', async () => {
  const flushed: string[][] = [];
  class BufferingSink implements CheckpointedFunction {
    buffer: string[] = [];
    state!: ListState<string>;
    opened = false;
    initializeState(ctx: FunctionInitializationContext): void {
      assert.equal(this.opened, false, 'initializeState runs before open');
      this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffered'));
      this.buffer = this.state.get();
    }
    open(): void {
      this.opened = true;
    }
    invoke(value: string, _ctx: SinkWriterContext): void {
      this.buffer.push(value);
      if (this.buffer.length === 2) {
        flushed.push(this.buffer);
        this.buffer = [];
      }
    }
    snapshotState(): void {
      this.state.update(this.buffer);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  let all!: () => void;
  const seen = new Promise<void>((r) => (all = r));
  const sink = new BufferingSink();
  env.fromSource(new TestSource<string>().emitAll(['a', 'b', 'c']).keepOpen(), WatermarkStrategy.noWatermarks(), 'in').map((v) => {
    if (v === 'c') queueMicrotask(all);
    return v;
  }).addSink(sink).uid('buffering');
  const client = await env.executeAsync('buffering');
  await seen;
  const savepoint = await client.triggerSavepoint();
  client.cancel();
  await client.result.catch(() => {});
  assert.deepEqual(flushed, [['a', 'b']]);
  assert.deepEqual(savepoint.operators.buffering![0]!.functionState, { buffered: { mode: 'split', values: ['c'] } });
});

test('snapshotState must be synchronous; a failing initializeState names the operator', async () => {
  class Async extends RichMapFunction<string, string> implements CheckpointedFunction {
    initializeState(): void {}
    map(v: string): string {
      return v;
    }
    snapshotState(): void {
      return Promise.resolve() as unknown as void;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  await assert.rejects(env.fromElements('a').map(new Async()).executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && /must be synchronous/.test(e.message));
  class Broken extends RichMapFunction<string, string> implements CheckpointedFunction {
    initializeState(): void {
      throw new Error('no state for you');
    }
    map(v: string): string {
      return v;
    }
    snapshotState(): void {}
  }
  const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
  await assert.rejects(env2.fromElements('a').map(new Broken()).name('Broken').executeAndCollect(), (e: unknown) => e instanceof UserFunctionError && /'Broken'.*initializeState\(\).*no state for you/s.test(e.message));
});
