import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEAD_LETTER_HEADERS, JsonSchema, KafkaDeserializationError, KafkaSource, StreamExecutionEnvironment, WatermarkStrategy, type KafkaSourceOptions } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, produce, readTopic } from './kafka-helpers.ts';

interface Order {
  id: number;
}
const isOrder = (v: unknown): v is Order => typeof (v as Order)?.id === 'number';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let bootstrap: string;

before(async () => {
  broker = await startTestBroker();
  bootstrap = broker.bootstrap;
  await createTopics(bootstrap, { orders: 1, 'orders-dlq': 1 });
  await produce(bootstrap, 'orders', [
    { value: '{"id":1}', timestamp: 1000 },
    { key: 'k-bad', value: 'not json', headers: { origin: 'test' }, timestamp: 1234 }, // offset 1
    { value: '{"id":3}', timestamp: 3000 },
    { value: '{"name":"no id"}', timestamp: 4000 }, // offset 3: rejected by the validator
    { value: '{"id":5}', timestamp: 5000 },
  ]);
});
after(async () => {
  await broker.stop();
});

async function run(options: Partial<KafkaSourceOptions<Order>>): Promise<Order[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const out: Order[] = [];
  const source = new KafkaSource<Order>({ bootstrapServers: bootstrap, topics: ['orders'], startingOffsets: 'earliest', bounded: true, deserializer: new JsonSchema<Order>(isOrder), ...options });
  env.fromSource(source, WatermarkStrategy.noWatermarks<Order>(), 'orders').sinkTo(arraySink(out));
  await env.execute('orders');
  return out;
}

test("'fail' (the default) fails the job with a typed error naming topic, partition and offset", async () => {
  await assert.rejects(run({}), (e: unknown) => {
    assert.ok(e instanceof KafkaDeserializationError);
    assert.equal(e.code, 'SLUICE_KAFKA_DESERIALIZATION');
    assert.equal(e.topic, 'orders');
    assert.equal(e.partition, 0);
    assert.equal(e.offset, 1n);
    assert.match(e.message, /orders\/0 offset 1/);
    assert.match(e.message, /onDeserializationError/);
    return true;
  });
});

test("'skip' drops the bad records and goes on", async () => {
  const out = await run({ onDeserializationError: 'skip' });
  assert.deepEqual(out.map((o) => o.id), [1, 3, 5]);
});

test("'dead-letter' writes the original bytes, headers and the error to the dead-letter topic", async () => {
  const out = await run({ onDeserializationError: 'dead-letter', deadLetterTopic: 'orders-dlq' });
  assert.deepEqual(out.map((o) => o.id), [1, 3, 5]);
  const dlq = await readTopic(bootstrap, 'orders-dlq', 2);
  const headers = (i: number): Record<string, string> => Object.fromEntries([...dlq[i]!.headers].map(([k, v]) => [k.toString(), v.toString()]));
  assert.equal(dlq[0]!.key.toString(), 'k-bad');
  assert.equal(dlq[0]!.value.toString(), 'not json');
  assert.equal(dlq[0]!.timestamp, 1234n);
  const h0 = headers(0);
  assert.equal(h0.origin, 'test');
  assert.equal(h0[DEAD_LETTER_HEADERS.topic], 'orders');
  assert.equal(h0[DEAD_LETTER_HEADERS.partition], '0');
  assert.equal(h0[DEAD_LETTER_HEADERS.offset], '1');
  assert.equal(h0[DEAD_LETTER_HEADERS.errorClass], 'SyntaxError');
  assert.match(h0[DEAD_LETTER_HEADERS.errorMessage]!, /JSON/);
  assert.equal(dlq[1]!.value.toString(), '{"name":"no id"}');
  assert.equal(headers(1)[DEAD_LETTER_HEADERS.offset], '3');
  assert.match(headers(1)[DEAD_LETTER_HEADERS.errorMessage]!, /rejected by the validator/);
});
