import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaSource, StreamExecutionEnvironment, WatermarkStrategy, type Source } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, produce } from './kafka-helpers.ts';

let broker: Awaited<ReturnType<typeof startTestBroker>>;

before(async () => {
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

interface Reading {
  p: number;
  ts: number;
}

test('watermark alignment pauses a Kafka partition that runs ahead of the other and resumes it; nothing is lost', async () => {
  const bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { aligned: 2 });
  // Partition 0 covers 100 s of event time, partition 1 only 10 s, in as many records.
  const n = 400;
  await produce(bootstrap, 'aligned', Array.from({ length: n }, (_, i) => ({ partition: 0, value: `0:${i * 250}`, timestamp: i * 250 })));
  await produce(bootstrap, 'aligned', Array.from({ length: n }, (_, i) => ({ partition: 1, value: `1:${i * 25}`, timestamp: i * 25 })));

  const out: Reading[] = [];
  const pauses: Array<{ at: number; pause: readonly string[]; resume: readonly string[] }> = [];
  const kafka = new KafkaSource<Reading>({
    bootstrapServers: bootstrap,
    topics: ['aligned'],
    startingOffsets: 'earliest',
    bounded: 'latest',
    deserializer: (b) => {
      const [p, ts] = b!.toString().split(':').map(Number);
      return { p: p!, ts: ts! };
    },
  });
  // Spy on the reader's pauseOrResumeSplits to know when alignment started acting.
  const spied: Source<Reading> = {
    providesTimestamps: true,
    getBoundedness: () => kafka.getBoundedness(),
    createReader: (ctx, state) => {
      const r = kafka.createReader(ctx, state);
      const pauseOrResume = r.pauseOrResumeSplits!.bind(r);
      r.pauseOrResumeSplits = (pause, resume) => {
        pauses.push({ at: out.length, pause, resume });
        pauseOrResume(pause, resume);
      };
      return r;
    },
  };
  const drift = 1000;
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ autoWatermarkInterval: 'every-record', checkpointInterval: 0 });
  env
    .fromSource(spied, WatermarkStrategy.forMonotonousTimestamps<Reading>().withWatermarkAlignment('readings', drift, 5), 'aligned')
    .sinkTo(arraySink(out));
  await env.execute('kafka alignment');

  assert.equal(out.length, 2 * n, 'every record arrives once');
  for (const p of [0, 1]) {
    const ts = out.filter((r) => r.p === p).map((r) => r.ts);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), `partition ${p} stays in order`);
  }
  const firstPause = pauses.find((x) => x.pause.includes('aligned-0'));
  assert.ok(firstPause !== undefined, `partition 0 was paused (calls: ${JSON.stringify(pauses)})`);
  assert.ok(pauses.some((x) => x.resume.includes('aligned-0')), 'and resumed');
  // From the first pause on, partition 0's watermark never leads partition 1's (while 1 has data left) by more than the drift + one record.
  const wm = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let left1 = out.filter((r) => r.p === 1).length;
  for (let i = 0; i < out.length; i++) {
    const r = out[i]!;
    if (i >= firstPause.at && r.p === 0 && left1 > 0) assert.ok(wm[0]! - wm[1]! <= drift + 250, `record ${i}: lead ${wm[0]! - wm[1]!}`);
    wm[r.p] = r.ts - 1;
    if (r.p === 1) left1--;
  }
});
