import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer } from '@platformatic/kafka';
import { Duration, KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, eventually, produce } from '../../connectors/kafka-helpers.ts';

// The cause of issue 11's "windows stop firing after rescaling restarts" (rescale.test.ts): a
// keyed operator at parallelism > 1 restored its timers from the changelog, and each subtask's
// timer tracker took *every* subtask's timers as its own. Its next checkpoint then wrote a
// tombstone for each timer of the other subtasks (they were "gone" from this subtask), so after
// one more restart the windows those timers belonged to kept their contents but never fired.
// Here: windows registered in run 1, a checkpoint in run 2 after the restore, and run 3 must
// still fire every window.

const TOPIC = 'timers-in';
const JOB = 'timers-restarts';
const KEYS = 20;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [TOPIC]: 2 });
});
after(async () => {
  await broker.stop();
});

/** Records `key:ts:amount`, all in the window [0, 10 s). */
const record = (i: number, key: string): { partition: number; key: string; value: string } => ({ partition: i % 2, key, value: `${key}:${1_000 + i}:${1 + (i % 5)}` });

/** What the job's group committed, per partition (a checkpoint committed after the records before). */
async function committed(): Promise<number[]> {
  const c = new Consumer({ clientId: 'timers-check', groupId: JOB, bootstrapBrokers: [broker.bootstrap] });
  try {
    const offsets = await c.listCommittedOffsets({ topics: [{ topic: TOPIC, partitions: [0, 1] }] });
    return (offsets.get(TOPIC) ?? []).map(Number);
  } finally {
    await c.close(true);
  }
}

/** Runs the job (parallelism 3, checkpoints every 100 ms) until `until` holds, then cancels it. */
async function run(out: string[], until: () => Promise<boolean>, what: string): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  env.enableCheckpointing(100);
  env.setMaxParallelism(8);
  env
    .fromSource(
      new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: [TOPIC], groupId: JOB, startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }),
      WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner((v) => Number(v.split(':')[1])),
      'in',
    )
    .uid('in')
    .map((v) => v.split(':'))
    .uid('parse')
    .keyBy((r) => r[0]!)
    .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
    .reduce((a, b) => [a[0]!, b[1]!, String(Number(a[2]) + Number(b[2]))])
    .uid('window-sum')
    .map((r) => `${r[0]}:${r[2]}`)
    .uid('format')
    .sinkTo(arraySink(out))
    .uid('out');
  const client = await env.executeAsync(JOB);
  try {
    await eventually(until, 60_000, what);
  } finally {
    client.cancel();
    await client.result.catch(() => {});
  }
}

test('event-time timers of a keyed operator at parallelism 3 survive two restarts: every window fires', { timeout: 240_000 }, async () => {
  const first = Array.from({ length: 60 }, (_, i) => record(i, `k${i % KEYS}`));
  const expected = new Map<string, number>();
  for (const r of first) {
    const [key, , amount] = r.value.split(':');
    expected.set(key!, (expected.get(key!) ?? 0) + Number(amount));
  }
  await produce(broker.bootstrap, TOPIC, first);
  // Run 1: every record read and checkpointed (the windows and their timers are in the changelog).
  const out: string[] = [];
  await run(out, async () => (await committed()).reduce((a, b) => a + b, 0) === first.length, 'run 1: every record checkpointed');
  assert.equal(out.length, 0, 'no window fired yet');
  // Run 2: restored; one more record of one key, and a checkpoint after it (the restored timers' tracker writes its changes).
  const extra = record(61, 'k0');
  expected.set('k0', expected.get('k0')! + Number(extra.value.split(':')[2]));
  await produce(broker.bootstrap, TOPIC, [extra]);
  await run(out, async () => (await committed()).reduce((a, b) => a + b, 0) === first.length + 1, 'run 2: a checkpoint after the restore');
  assert.equal(out.length, 0, 'no window fired yet');
  // Run 3: restored again; the watermark passes the window in both partitions.
  await produce(broker.bootstrap, TOPIC, [0, 1].map((p) => ({ partition: p, key: 'end', value: `end:100000:0` })));
  await run(out, async () => out.length >= KEYS, `run 3: the window of each of the ${KEYS} keys fired (before the fix only the key written in run 2 did)`);
  const fired = new Map(out.filter((l) => !l.startsWith('end:')).map((l) => [l.split(':')[0]!, Number(l.split(':')[1])]));
  assert.deepEqual([...fired].sort(), [...expected].sort(), 'every key\'s window fired once the watermark passed it, with its sum');
});
