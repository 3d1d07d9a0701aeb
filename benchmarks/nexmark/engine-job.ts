/**
 * One engine-only Nexmark run (no Kafka), as Nexmark's Flink setup runs its queries: the
 * generator inside the job (its CPU counted), a discarding sink, parallelism 1, keyed state in
 * LMDB, checkpoints every CHECKPOINT_MS. Prints a JobResult line.
 *
 *   node benchmarks/nexmark/engine-job.ts QUERY EVENTS STATE_DIR [heap]
 */
import { HashMapStateBackend, LmdbStateBackend, StreamExecutionEnvironment } from '../../src/index.ts';
import { nexmarkSource, nexmarkWatermarks } from '../../src/nexmark/index.ts';
import { WorkMeter } from './job-result.ts';
import { queryByName } from './queries/index.ts';

/** Nexmark's Flink suite generates with TPS 10,000,000: event time advances 1 ms per 10,000 events. */
export const BENCH_EVENT_RATE = 10_000_000;
export const CHECKPOINT_MS = 10_000;

const [name, eventsArg, stateDir, backendArg] = process.argv.slice(2) as [string, string, string, string | undefined];
const events = Number(eventsArg);
const lmdb = backendArg === 'heap' ? undefined : new LmdbStateBackend({ path: stateDir });
const env = StreamExecutionEnvironment.getExecutionEnvironment({
  parallelism: 1,
  stateBackend: lmdb ?? new HashMapStateBackend(),
  checkpointInterval: CHECKPOINT_MS,
});
let outputs = 0;
queryByName(name)
  .build(env.fromSource(nexmarkSource({ events, eventsPerSecond: BENCH_EVENT_RATE }), nexmarkWatermarks(), 'nexmark'))
  .addSink(() => void outputs++)
  .name('Discarding Sink');
const meter = new WorkMeter();
meter.start();
await env.execute(`nexmark ${name}`);
meter.report(name, events, outputs);
await lmdb?.close();
