import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaSource, MapStateDescriptor, SimpleStringSchema, SluiceError, StreamExecutionEnvironment, WatermarkStrategy, type Collector, type DataStream, type ExchangeSerde } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, produce } from '../kafka-helpers.ts';
import { withExchanges } from './with-exchanges.ts';

// Issue 11: the values crossing an exchange are serialized with a default serializer that the
// user can replace per exchange (withExchangeSerde). Class instances do not survive the default
// portable encoding (they arrive as plain objects); a serde of the user's makes them round-trip.

/** A class whose method the operators after the exchanges call. */
class Reading {
  readonly sensor: string;
  readonly value: number;
  constructor(sensor: string, value: number) {
    this.sensor = sensor;
    this.value = value;
  }
  label(): string {
    return `${this.sensor}=${this.value}`;
  }
}

const calls = { serialize: 0, deserialize: 0 };
const readingSerde: ExchangeSerde<Reading> = {
  serialize: (r) => {
    calls.serialize++;
    return new TextEncoder().encode(`${r.sensor}|${r.value}`); // a Uint8Array, not a Buffer
  },
  deserialize: (b) => {
    calls.deserialize++;
    const [sensor, value] = b.toString('utf8').split('|');
    return new Reading(sensor!, Number(value));
  },
};

const INPUT = 'serde-in';
const RECORDS = 600;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [INPUT]: 3 });
  await produce(broker.bootstrap, INPUT, Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 3, value: `s${i % 17}:${i}` })));
});
after(async () => {
  await broker.stop();
});

function readings(env: StreamExecutionEnvironment): DataStream<Reading> {
  env.setParallelism(2);
  env.setMaxParallelism(8);
  return env
    .fromSource(new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: [INPUT], startingOffsets: 'earliest', bounded: 'latest', deserializer: new SimpleStringSchema() }), WatermarkStrategy.noWatermarks<string>(), 'in')
    .map((v) => {
      const [sensor, value] = v.split(':');
      return new Reading(sensor!, Number(value));
    });
}

/** keyBy and rebalance, both with the serde (or none), into operators that call a method of the class. */
async function run(exchanges: 'local' | 'kafka', jobId: string, withSerde: boolean): Promise<string[]> {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const stream = readings(env);
  const keyed = stream.keyBy((r) => r.sensor);
  (withSerde ? keyed.withExchangeSerde(readingSerde) : keyed).map((r) => `keyed:${r.label()}`).uid('keyed').sinkTo(arraySink(out));
  const spread = stream.rebalance();
  (withSerde ? spread.withExchangeSerde(readingSerde) : spread).map((r) => `rebalanced:${r.label()}`).uid('rebalanced').sinkTo(arraySink(out));
  // Broadcast (with broadcast state): every subtask (2) gets every reading.
  const everywhere = stream.broadcast(new MapStateDescriptor<string, number>('last'));
  env
    .fromElements('x')
    .connect(withSerde ? everywhere.withExchangeSerde(readingSerde) : everywhere)
    .process<string>({ processElement: () => {}, processBroadcastElement: (r: Reading, _ctx: unknown, o: Collector<string>) => o.collect(`broadcast:${r.label()}`) })
    .uid('broadcast')
    .sinkTo(arraySink(out));
  await withExchanges(exchanges, () => env.execute(jobId));
  return out.sort();
}

test('withExchangeSerde: class instances round-trip through repartition topics with the serde, and the output equals the in-memory one', { timeout: 180_000 }, async () => {
  const local = await run('local', 'serde-local', true);
  assert.equal(local.length, 4 * RECORDS, 'keyBy, rebalance, and broadcast to 2 subtasks');
  assert.equal(calls.serialize + calls.deserialize, 0, 'in-process exchanges do not serialize');
  const kafka = await run('kafka', 'serde-kafka', true);
  assert.deepEqual(kafka, local);
  assert.equal(calls.serialize, 3 * RECORDS, 'the writers of the three exchanges serialized every record with the serde');
  assert.equal(calls.deserialize, 4 * RECORDS, 'the readers deserialized every record with it (the broadcast one per subtask)');
});

test('without a serde, the default portable encoding turns class instances into plain objects (the method is gone)', { timeout: 180_000 }, async () => {
  await assert.rejects(run('kafka', 'serde-default', false), (e: unknown) => {
    assert.ok(e instanceof SluiceError, String(e));
    assert.match(String((e as Error & { cause?: unknown }).cause ?? e.message), /label is not a function/);
    return true;
  });
});

test('withExchangeSerde applies to an exchange only, and the exchanges into one input must agree', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const s = env.fromElements(new Reading('a', 1));
  assert.throws(() => s.map((r) => r).withExchangeSerde(readingSerde), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_INVALID_JOB' && /right after keyBy/.test(e.message));
  assert.throws(() => s.forward().withExchangeSerde(readingSerde), (e: unknown) => e instanceof SluiceError && /not after forward\(\)/.test(e.message));
  assert.throws(() => s.rebalance().withExchangeSerde({} as ExchangeSerde<Reading>), (e: unknown) => e instanceof SluiceError && /serialize\(value\) and deserialize\(bytes\)/.test(e.message));

  const other = StreamExecutionEnvironment.getExecutionEnvironment();
  const a = readings(other);
  const b = readings(other);
  a.rebalance().withExchangeSerde(readingSerde).union(b.rebalance()).map((r) => r.label()).sinkTo(arraySink([]));
  await withExchanges('kafka', () => assert.rejects(other.execute('serde-mixed'), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_INVALID_JOB' && /different serializers/.test(e.message)));
});
