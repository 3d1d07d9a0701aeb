/**
 * One Nexmark query through Kafka: KafkaSource (Nexmark JSON rows) → query → KafkaSink (rows as
 * JSON, at-least-once), parallelism 1, keyed state in LMDB, checkpoints every 5 s (the default).
 *
 *   node benchmarks/nexmark/kafka-job.ts QUERY BOOTSTRAP INPUT OUTPUT STATE_DIR bounded|unbounded
 *
 * Bounded: reads the input up to its end offsets at start, then prints a JobResult line measured
 * from the first input record to the end (every output acknowledged). Unbounded: runs until
 * SIGTERM (latency runs); prints `running` once the job started.
 */
import { KafkaSink, KafkaSource, LmdbStateBackend, StreamExecutionEnvironment } from '../../src/index.ts';
import { fromKafkaJson, nexmarkWatermarks, type NexmarkEvent } from '../../src/nexmark/index.ts';
import { WorkMeter } from './job-result.ts';
import { queryByName } from './queries/index.ts';

const [name, bootstrap, input, output, stateDir, mode] = process.argv.slice(2) as [string, string, string, string, string, 'bounded' | 'unbounded'];
const lmdb = new LmdbStateBackend({ path: stateDir });
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, stateBackend: lmdb });
const meter = new WorkMeter();
let events = 0;
const source = new KafkaSource<NexmarkEvent>({
  bootstrapServers: bootstrap,
  topics: [input],
  groupId: `nexmark-${name}-${output}`,
  startingOffsets: 'earliest',
  bounded: mode === 'bounded',
  deserializer: (bytes) => {
    if (events++ === 0) meter.start();
    return fromKafkaJson(bytes!);
  },
});
let outputs = 0;
queryByName(name)
  .build(env.fromSource(source, nexmarkWatermarks(), 'nexmark'))
  .map((row) => {
    outputs++;
    return row;
  })
  .sinkTo(new KafkaSink<unknown>({ bootstrapServers: bootstrap, topic: output, serializer: (row) => JSON.stringify(row) }));

if (mode === 'unbounded') {
  const client = await env.executeAsync(`nexmark ${name}`);
  process.stdout.write('running\n');
  process.once('SIGTERM', () => client.cancel());
  await client.result.catch(() => {});
  await lmdb.close();
  process.exit(0);
} else {
  await env.execute(`nexmark ${name}`);
  meter.report(name, events, outputs);
  await lmdb.close();
}
