/** The Markdown of the Nexmark section of BENCHMARKS.md. */
import { fmt } from '../bench-report.ts';
import type { JobResult } from './job-result.ts';
import type { Latency } from './measure.ts';
import { median } from '../bench-report.ts';
import type { NexmarkQuery } from './queries/index.ts';

export interface Measured {
  query: NexmarkQuery;
  engine: JobResult[];
  heap: JobResult[];
  kafka: JobResult[];
  flow: JobResult[];
  latency?: Latency;
}

export interface ReportInput {
  measured: Measured[];
  engineEvents: Map<string, number>;
  kafkaEvents: number;
  flowEvents: number;
  fillRate: number | undefined;
  rounds: number;
  rate: number;
  latencySeconds: number;
  /** Latency runs of event-time window queries last at least this long (their windows must close). */
  windowLatencySeconds: number;
  targetSeconds: number;
  machine: string;
  command: string;
}

const rate = (r: JobResult): number => r.events / r.seconds;
const perCore = (r: JobResult): number => r.events / r.cpuSeconds;
const cpuPerMillion = (r: JobResult): number => (r.cpuSeconds * 1e6) / r.events;

/** "median (min – max)" of a figure over the rounds, or a dash. */
function spread(rs: readonly JobResult[], f: (r: JobResult) => number): string {
  if (rs.length === 0) return '–';
  const xs = rs.map(f);
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))} – ${fmt(Math.max(...xs))})`;
}
const med = (rs: readonly JobResult[], f: (r: JobResult) => number): number => (rs.length === 0 ? Number.NaN : median(rs.map(f)));
const num = (x: number, digits = 0): string => (Number.isNaN(x) ? '–' : digits === 0 ? fmt(x) : x.toFixed(digits));

export function nexmarkReport(o: ReportInput): string {
  const lines: string[] = [
    "The [Nexmark](https://github.com/nexmark/nexmark) queries as Sluice DataStream jobs (`benchmarks/nexmark/queries/`, each verified against",
    'a reference computation in `test/nexmark/`), on the generator of `sluice nexmark generate` (Nexmark\'s event mix and rules; event time',
    'advancing 1 ms per 10,000 events as in Nexmark\'s Flink suite, TPS 10,000,000). See [docs/nexmark.md](docs/nexmark.md).',
    '',
    `- Machine: ${o.machine}`,
    `- Command: ${o.command}`,
    `- Medians over ${o.rounds} rounds in which the queries alternate (forwards, then backwards); the range in parentheses.`,
    '- Per core = events / CPU-seconds of the job process (`process.cpuUsage()`, all threads: the garbage collector\'s too).',
    '- Exactly-once checkpoints do not exist in Sluice yet: checkpoints here are at-least-once (sinks flush, sources record their',
    '  positions; keyed state is not snapshotted), so they cost less than Flink\'s.',
  ];
  if (o.measured.some((m) => m.engine.length > 0)) {
    lines.push(
      '',
      '### Engine only',
      '',
      'Generator inside the job process (its CPU counted), a discarding sink, parallelism 1, keyed state in LMDB (the heap backend',
      `in the second per-core column), checkpoints every 10 s (a run is shorter: it takes one, at its end); events per run chosen so that a`,
      `run lasts about ${o.targetSeconds} s. Flink's figures:`,
      "Nexmark's published results, Flink 1.13, 8 TaskManagers × 1 slot, RocksDB, exactly-once checkpoints every 3 minutes, 100M events,",
      'generator in the task managers, blackhole sinks.',
      '',
      'Not like for like: Flink\'s runs spread each query over 8 processes that exchange serialized rows over the network, keep state in',
      'RocksDB with exactly-once checkpoints, and process 100M events; here one Node.js thread runs the whole job, hands objects from',
      'operator to operator (a keyBy is a function call), and the LMDB backend keeps up to 100,000 entries per state in a write-back',
      'cache in memory, so small state rarely reaches LMDB. The comparison says what one core of Sluice does with this workload, not that',
      'a Sluice cluster would outrun Flink\'s.',
      '',
      '| query | what | events per run | events/s | events/s per core (LMDB) | per core (heap) | Flink 1.13 per core | Sluice (LMDB) / Flink | peak RSS (MB) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const m of o.measured) {
      if (m.engine.length === 0) continue;
      const pc = med(m.engine, perCore);
      const flink = m.query.flinkPerCore;
      lines.push(
        `| ${m.query.name} | ${m.query.title} | ${fmt(o.engineEvents.get(m.query.name) ?? 0)} | ${spread(m.engine, rate)} | ${spread(m.engine, perCore)} | ${num(med(m.heap, perCore))} | ${flink === undefined ? '–' : fmt(flink)} | ${flink === undefined ? '–' : `${(pc / flink).toFixed(2)}×`} | ${num(med(m.engine, (r) => r.peakRssMb))} |`,
      );
    }
  }
  if (o.measured.some((m) => m.kafka.length > 0 || m.latency !== undefined)) {
    lines.push(
      '',
      '### Through Kafka',
      '',
      `The embedded broker in its own process (\`sluice broker\`); \`sluice nexmark generate\` (its own process) wrote ${fmt(o.kafkaEvents)} events`,
      `to a 3-partition topic${o.fillRate === undefined ? '' : ` at ${fmt(o.fillRate)} events/s (acks=1, process start-up included)`}; each query job (its own process,`,
      'parallelism 1, LMDB state, checkpoints every 5 s) reads the topic from the start (`KafkaSource`, Nexmark\'s JSON rows) and writes its rows',
      'as JSON with `KafkaSink` (acks=all); timed from its first input record until every output is acknowledged. CPU and peak RSS are the job',
      `process's. @kafkats/flow runs the queries it expresses the same way, on the first ${fmt(o.flowEvents)} events of the same topic (its`,
      'defaults: every record\'s send is awaited before the next record of the partition). Latency: the job runs on a fresh topic while the',
      `generator writes ${fmt(o.rate)} events/s for ${o.latencySeconds} s (${o.windowLatencySeconds} s for the event-time window queries, whose windows close only`,
      'when later events move the watermark) with event time = wall-clock time; per output row, its arrival at a consumer minus the row\'s',
      'event time (Kafka timestamp): for windows and timers that includes the 4 s out-of-orderness of the watermark.',
      '',
      '| query | Sluice events/s | per core | CPU-s per M events | peak RSS (MB) | latency p50 / p99 (ms, rows) | @kafkats/flow events/s | flow per core | flow CPU-s per M events | flow peak RSS (MB) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const m of o.measured) {
      const l = m.latency;
      const lat = l === undefined ? '–' : `${num(l.p50)} / ${num(l.p99)} (${fmt(l.samples)})`;
      const flow = m.flow;
      lines.push(
        `| ${m.query.name} | ${spread(m.kafka, rate)} | ${num(med(m.kafka, perCore))} | ${num(med(m.kafka, cpuPerMillion), 1)} | ${num(med(m.kafka, (r) => r.peakRssMb))} | ${lat} | ${spread(flow, rate)} | ${num(med(flow, perCore))} | ${num(med(flow, cpuPerMillion), 1)} | ${num(med(flow, (r) => r.peakRssMb))} |`,
      );
    }
  }
  return lines.join('\n');
}
