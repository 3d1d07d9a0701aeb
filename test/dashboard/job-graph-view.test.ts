import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamExecutionEnvironment } from '../../src/index.ts';
import { jobGraphView } from '../../src/dashboard/job-graph-view.ts';

test('the compiled job graph as stages of chained operators and exchanges between them', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env
    .fromData('a', 'b', 'a')
    .map((s) => s.toUpperCase())
    .name('upper')
    .keyBy((s) => s)
    .map((s) => `${s}!`)
    .name('shout')
    .print();
  const view = jobGraphView(env.compile('graph-view'));
  // The collection source runs once (parallelism 1): a rebalance to the two `upper` subtasks.
  assert.deepEqual(
    view.stages.map((s) => [s.name, s.parallelism, s.operators.map((o) => `${o.kind}:${o.inputs.length}`)]),
    [
      ['Source: Collection Source', 1, ['source:0']],
      ['upper', 2, ['operator:0']],
      ['shout -> Sink: Print to Std. Out', 2, ['operator:0', 'sink:1']],
    ],
  );
  assert.deepEqual(view.stages[2]!.operators[1]!.inputs, [view.stages[2]!.operators[0]!.uid], 'the sink is fed by shout inside the chain');
  assert.deepEqual(
    view.exchanges.map((e) => [e.from, e.to, e.partitioning, e.via, e.fromOperator, e.toOperator]),
    [
      ['0', '1', 'rebalance', 'memory', view.stages[0]!.operators[0]!.uid, 'upper-1'],
      ['1', '2', 'hash', 'memory', 'upper-1', 'shout-2'],
    ],
  );
});
