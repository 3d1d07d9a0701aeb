/**
 * One engine-only Nexmark run with exactly-once checkpoints, the setup Nexmark's published Flink
 * figures use: the generator inside the job (its CPU counted), a discarding sink, parallelism 1,
 * keyed state in LMDB, and exactly-once checkpoints every CHECKPOINT_MS. Sluice's exactly-once
 * checkpoints write the keyed-state changes to changelog topics inside a Kafka transaction (as
 * Flink's write RocksDB files to checkpoint storage); the Kafka cluster (BOOTSTRAP, an embedded
 * broker in its own process) plays the checkpoint storage. The generator reports itself as
 * unbounded (a streaming job, the only kind that checkpoints) and ends after EVENTS events.
 * Prints a JobResult line, measured from the source's start (after the worker's recovery).
 *
 *   SLUICE_JOB_ID=<unique> SLUICE_STATE_DIR=<dir> node benchmarks/nexmark/engine-eo-job.ts QUERY EVENTS LMDB_DIR BOOTSTRAP CHECKPOINT_MS
 */
import { CheckpointingMode, LmdbStateBackend, StreamExecutionEnvironment, type Source, type Sink } from '../../src/index.ts';
import { nexmarkSource, nexmarkWatermarks, type NexmarkEvent } from '../../src/nexmark/index.ts';
/** As engine-job.ts (not imported: that module runs a job when loaded). */
const BENCH_EVENT_RATE = 10_000_000;
import { WorkMeter } from './job-result.ts';
import { queryByName } from './queries/index.ts';

const [name, eventsArg, lmdbDir, bootstrap, intervalArg] = process.argv.slice(2) as [string, string, string, string, string];
const events = Number(eventsArg);
const bounded = nexmarkSource({ events, eventsPerSecond: BENCH_EVENT_RATE });
const meter = new WorkMeter();
const generator: Source<NexmarkEvent> = {
  getBoundedness: () => 'unbounded',
  // Measured from here: the exactly-once worker's start (group join, internal topics) is done.
  createReader: (ctx, restored) => {
    meter.start();
    return bounded.createReader(ctx, restored);
  },
  providesTimestamps: bounded.providesTimestamps,
};
let outputs = 0;
let checkpoints = 0;
/** Discards its input; names the Kafka cluster that holds the job's changelogs and checkpoint log. */
const discarding: Sink<unknown> = {
  createWriter: () => ({
    write: () => void outputs++,
    prepareCommit: () => void checkpoints++,
  }),
  kafkaConnection: async () => ({ bootstrapBrokers: [bootstrap] }),
};
const lmdb = new LmdbStateBackend({ path: lmdbDir });
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, stateBackend: lmdb });
env.enableCheckpointing(Number(intervalArg), CheckpointingMode.EXACTLY_ONCE);
queryByName(name).build(env.fromSource(generator, nexmarkWatermarks(), 'nexmark')).sinkTo(discarding).name('Discarding Sink');
await env.execute(`nexmark ${name}`);
const result = meter.report(name, events, outputs);
// The last line (what measure.ts's runJob reads): the result with the checkpoints the sink took part in.
process.stdout.write(`${JSON.stringify({ ...result, checkpoints })}\n`);
await lmdb.close();
