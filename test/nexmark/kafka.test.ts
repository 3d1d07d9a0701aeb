/**
 * `sluice nexmark generate` into the embedded broker, then Nexmark queries reading the topic with
 * a KafkaSource: the same results as the reference over the same events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StreamExecutionEnvironment } from '../../src/index.ts';
import { NexmarkGenerator, nexmarkKafkaSource, nexmarkWatermarks } from '../../src/nexmark/index.ts';
import { queryByName } from '../../benchmarks/nexmark/queries/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { runCli } from '../cli/run-cli.ts';
import { createTopics } from '../connectors/kafka-helpers.ts';
import * as ref from './reference.ts';

const EVENTS = 6000;
const SEED = 3;
const EVENT_RATE = 100; // 60 s of event time

describe('Nexmark through Kafka', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  const generator = new NexmarkGenerator({ seed: SEED, eventsPerSecond: EVENT_RATE });
  const data = ref.split(Array.from({ length: EVENTS }, (_, i) => generator.event(i)));

  before(async () => {
    broker = await startTestBroker();
    await createTopics(broker.bootstrap, { nexmark: 3 });
  });
  after(async () => {
    await broker.stop();
  });

  test('sluice nexmark generate writes the events, seeded', async () => {
    const res = await runCli(['nexmark', 'generate', '--events', String(EVENTS), '--seed', String(SEED), '--event-rate', String(EVENT_RATE)], {
      bootstrap: broker.bootstrap,
      timeoutMs: 60_000,
    });
    assert.equal(res.stderr, '');
    assert.equal(res.stdout, `Sent ${EVENTS} events to nexmark\n`);
    assert.equal(res.code, 0);
  });

  test('a bad --base-time is refused before anything is sent', async () => {
    const res = await runCli(['nexmark', 'generate', '--events', '5', '--base-time', 'yesterday'], { bootstrap: broker.bootstrap });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /--base-time: expected ms since the epoch, an ISO date or 'now', got 'yesterday'/);
  });

  test('a missing topic is an error that says so', async () => {
    const res = await runCli(['nexmark', 'generate', '--events', '5', '--topic', 'absent'], { bootstrap: broker.bootstrap });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /topic "absent" does not exist/);
  });

  for (const [name, expected, key] of [
    ['q5', () => ref.q5(data), undefined],
    ['q8', () => ref.q8(data), undefined],
    ['q9', () => ref.q9(data), undefined],
    ['q17', () => ref.q17(data), (r: { auction: number; day: string }) => `${r.auction}|${r.day}`],
  ] as const) {
    test(`${name} over the topic (parallelism 2) matches the reference`, async () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2, checkpointInterval: 0 });
      const source = nexmarkKafkaSource({ bootstrapServers: broker.bootstrap, topics: ['nexmark'], bounded: true, startingOffsets: 'earliest' });
      const rows: unknown[] = [];
      queryByName(name)
        .build(env.fromSource(source, nexmarkWatermarks(), 'nexmark'))
        .addSink((r) => void rows.push(r));
      await env.execute(name);
      const final = key ? [...new Map(rows.map((r) => [key(r as never), r])).values()] : rows;
      const canon = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x, Object.keys(x as object).sort())).sort();
      assert.ok(expected().length > 0);
      assert.deepEqual(canon(final), canon(expected()));
    });
  }
});
