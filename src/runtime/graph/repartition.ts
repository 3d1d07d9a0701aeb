import { ExchangeNotDistributableError, JobConfigurationError } from '../../core/errors/job-errors.ts';
import type { ExchangeSerde } from '../../core/exchange-serde.ts';
import type { KafkaConnection } from '../../core/kafka-clients.ts';
import type { Boundedness, Source } from '../../core/source.ts';
import { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import type { OneInputOperator } from '../operators/operator.ts';
import { assignStages, type JobEdge, type JobGraph, type JobVertex } from './job-graph.ts';
import type { Partitioning } from './transformations.ts';

/** One repartition topic: the exchange into one input of one operator. */
export interface RepartitionTopic {
  /** `<jobId>-<uid>-repartition` (`-repartition-2` for the second input of a two-input operator). */
  readonly topic: string;
  readonly jobId: string;
  /** Partitions = the receiving operator's max parallelism: partition = key group (a broadcast topic: 1). */
  readonly partitions: number;
  /** A broadcast exchange: every reader reads every partition, at its own offsets (not committed to the job group). */
  readonly broadcast: boolean;
  /** The receiving operator's parallelism: subtask i reads the partitions of its key-group range. */
  readonly readers: number;
  /** The uid of the source vertex that reads the topic back (its reader states are checkpointed under it). */
  readonly readerUid: string;
  /** Every upstream task that writes into it, e.g. `map-1#0/2` (uid, edge, subtask): each sends watermark markers. */
  readonly writers: readonly string[];
  readonly boundedness: Boundedness;
  /** How values are read back (`withExchangeSerde`); undefined: the portable encoding. */
  readonly serde: ExchangeSerde<unknown> | undefined;
  /** The cluster the topic lives on (the job's state cluster). */
  readonly connection: () => Promise<KafkaConnection>;
}

/** The operator a repartition reader's uid (`<uid>-repartition[-2]-reader`) feeds, or undefined for another uid. */
export function exchangeTargetOf(readerUid: string): string | undefined {
  return /^(.+)-repartition(?:-2)?-reader$/.exec(readerUid)?.[1];
}

/** One upstream side of a repartition topic. */
export interface RepartitionWrite {
  readonly topic: RepartitionTopic;
  /** How records pick their receiving subtask (hash: the key's key group is the partition). */
  readonly partitioning: Partitioning;
  /** Writer id of subtask i: `writerId(i)`; one of `topic.writers`. */
  readonly writerId: (subtask: number) => string;
}

/**
 * What turns an exchange into Kafka: operators that write a stream into a repartition topic, and
 * sources that read it back. The Kafka connector registers the implementation (the runtime does
 * not depend on connectors).
 */
export interface RepartitionExchange {
  writer(write: RepartitionWrite): (subtask: number) => OneInputOperator<unknown, unknown>;
  source(topic: RepartitionTopic): Source<unknown>;
}

let registered: RepartitionExchange | undefined;

/** Called by the Kafka connector module when it loads. */
export function registerRepartitionExchange(x: RepartitionExchange): void {
  registered = x;
}

/** Where the records of an exchange go in distributed mode. */
const THROUGH_KAFKA = new Set<Partitioning['kind']>(['hash', 'rebalance', 'shuffle', 'global', 'custom', 'broadcast']);

function topicSafe(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '_');
}

/** The job's state cluster: its first Kafka source's, else its first Kafka sink's. */
async function stateCluster(graph: JobGraph): Promise<KafkaConnection> {
  for (const v of graph.vertices) if (v.t.kind === 'source' && typeof v.t.source.kafkaConnection === 'function') return v.t.source.kafkaConnection();
  for (const v of graph.vertices) {
    if (v.t.kind !== 'one' || v.t.isSink !== true) continue;
    const sink = (v.t.factory(0) as { sink?: { kafkaConnection?: () => Promise<KafkaConnection> } }).sink;
    if (typeof sink?.kafkaConnection === 'function') return sink.kafkaConnection();
  }
  throw new JobConfigurationError(
    "exchanges through Kafka (distributed mode) need a Kafka cluster for the repartition topics, but the job has no KafkaSource or KafkaSink; read or write Kafka, or run without '--exchanges kafka' / SLUICE_EXCHANGES",
  );
}

/**
 * Watermark alignment pauses the splits that run ahead of their group's minimum, which each worker
 * computes over its own source subtasks only: a group of more than one source subtask may span
 * workers, and would be aligned per worker. Refused until workers share their watermarks.
 */
function refuseAlignmentAcrossWorkers(graph: JobGraph): void {
  const subtasks = new Map<string, { count: number; names: string[] }>();
  for (const v of graph.vertices) {
    const group = v.t.kind === 'source' ? v.t.strategy.alignment?.group : undefined;
    if (group === undefined) continue;
    const g = subtasks.get(group) ?? subtasks.set(group, { count: 0, names: [] }).get(group)!;
    g.count += v.parallelism;
    g.names.push(`'${v.name}'`);
  }
  for (const [group, g] of subtasks) {
    if (g.count <= 1) continue;
    throw new ExchangeNotDistributableError(
      `watermark alignment group '${group}' (source ${g.names.join(', ')}, ${g.count} subtasks) cannot be aligned across workers: each worker would align only the subtasks it runs. ` +
        "Run this job without distributed exchanges ('--exchanges kafka', --workers, SLUICE_WORKERS), or give the group a single source subtask",
    );
  }
}

/**
 * Distributed mode: every exchange between stages (keyBy, rebalance, shuffle, global,
 * partitionCustom, broadcast) becomes a repartition topic. The edge `A -> B` is replaced by
 * `A -> writer` (chained to A) and `reader source -> B` (a forward edge; for keyBy it checks that
 * each record's key group belongs to the subtask, as reinterpretAsKeyedStream does). A broadcast
 * topic has one partition that every reader subtask reads in full. Forward edges stay direct
 * calls (their subtasks always run in the same worker). Rescale is refused with an
 * {@link ExchangeNotDistributableError}.
 */
export function withRepartitionTopics(graph: JobGraph, options: { jobId: string; mode: 'streaming' | 'batch' }): JobGraph {
  refuseAlignmentAcrossWorkers(graph);
  const exchanges = graph.vertices.flatMap((v) => v.inputs.filter((e) => e.partitioning.kind !== 'forward'));
  if (exchanges.length === 0) return graph;
  if (options.mode === 'batch') {
    throw new ExchangeNotDistributableError("exchanges through Kafka run in STREAMING mode only; run BATCH jobs without '--exchanges kafka' (BATCH exchanges are sorted in memory)");
  }
  for (const e of exchanges) {
    if (!THROUGH_KAFKA.has(e.partitioning.kind)) {
      throw new ExchangeNotDistributableError(
        `the ${e.partitioning.kind}() exchange from '${e.source.name}' to '${e.target.name}' cannot cross workers through a repartition topic: ` +
          'use rebalance() instead of rescale() in distributed mode',
      );
    }
  }
  const exchange = registered;
  if (exchange === undefined) {
    throw new JobConfigurationError("exchanges through Kafka need Sluice's Kafka connector; import the job's API from 'sluice' (the package root)");
  }
  let cluster: Promise<KafkaConnection> | undefined;
  const connection = (): Promise<KafkaConnection> => (cluster ??= stateCluster(graph));
  const boundedness: Boundedness = graph.vertices.some((v) => v.t.kind === 'source' && v.t.source.getBoundedness() === 'unbounded') ? 'unbounded' : 'bounded';

  const readersBefore = new Map<JobVertex, JobVertex[]>();
  const writersAfter = new Map<JobVertex, JobVertex[]>();
  let nextId = -1;
  const vertex = (v: Omit<JobVertex, 'index' | 'inputs' | 'outputs' | 'stage'>): JobVertex => ({ ...v, index: -1, inputs: [], outputs: [], stage: -1 });
  const connect = (e: JobEdge): void => {
    e.source.outputs.push(e);
    e.target.inputs.push(e);
  };

  for (const target of graph.vertices) {
    for (const inputIndex of [1, 2] as const) {
      const edges = target.inputs.filter((e) => e.inputIndex === inputIndex && e.partitioning.kind !== 'forward');
      if (edges.length === 0) continue;
      for (const e of edges) {
        target.inputs.splice(target.inputs.indexOf(e), 1);
        e.source.outputs.splice(e.source.outputs.indexOf(e), 1);
      }
      const serde = edges[0]!.partitioning.serde;
      if (edges.some((e) => e.partitioning.serde !== serde)) {
        throw new JobConfigurationError(
          `the exchanges into input ${inputIndex} of '${target.name}' use different serializers (withExchangeSerde); they share one repartition topic and its reader, so give them the same serde`,
        );
      }
      const broadcast = edges[0]!.partitioning.kind === 'broadcast';
      if (edges.some((e) => (e.partitioning.kind === 'broadcast') !== broadcast)) {
        throw new ExchangeNotDistributableError(`input ${inputIndex} of '${target.name}' mixes broadcast() with other exchanges; broadcast the union instead (union first, then broadcast())`);
      }
      const suffix = inputIndex === 2 ? '-2' : '';
      const writerIds = edges.map((e, k) => (i: number) => `${e.source.uid}#${k}/${i}`);
      const readerUid = `${target.uid}-repartition${suffix}-reader`;
      const topic: RepartitionTopic = {
        topic: `${options.jobId}-${topicSafe(target.uid)}-repartition${suffix}`,
        jobId: options.jobId,
        partitions: broadcast ? 1 : target.maxParallelism,
        broadcast,
        readers: target.parallelism,
        readerUid,
        writers: edges.flatMap((e, k) => Array.from({ length: e.source.parallelism }, (_, i) => writerIds[k]!(i))),
        boundedness,
        serde,
        connection,
      };
      const reader = vertex({
        name: `Repartition reader -> ${target.name}`,
        uid: readerUid,
        parallelism: target.parallelism,
        maxParallelism: target.maxParallelism,
        t: { kind: 'source', id: nextId--, name: `Repartition reader -> ${target.name}`, uid: undefined, parallelism: target.parallelism, hasTimestamps: true, source: exchange.source(topic), strategy: WatermarkStrategy.noWatermarks() },
      });
      const keyOf = edges[0]!.partitioning.kind === 'hash' ? edges[0]!.partitioning.keyOf : undefined;
      connect({ source: reader, target, partitioning: keyOf !== undefined && edges.every((e) => e.partitioning.kind === 'hash') ? { kind: 'forward', keyOf } : { kind: 'forward' }, sideTag: undefined, inputIndex });
      readersBefore.set(target, [...(readersBefore.get(target) ?? []), reader]);
      edges.forEach((e, k) => {
        const factory = exchange.writer({ topic, partitioning: e.partitioning, writerId: writerIds[k]! });
        const name = `Repartition writer -> ${target.name}`;
        const writer = vertex({
          name,
          uid: `${target.uid}-repartition${suffix}-writer-${k}`,
          parallelism: e.source.parallelism,
          maxParallelism: e.source.maxParallelism,
          t: { kind: 'one', id: nextId--, name, uid: undefined, parallelism: e.source.parallelism, hasTimestamps: true, input: e.source.t, factory },
        });
        connect({ source: e.source, target: writer, partitioning: { kind: 'forward' }, sideTag: e.sideTag, inputIndex: 1 });
        writersAfter.set(e.source, [...(writersAfter.get(e.source) ?? []), writer]);
      });
    }
  }
  // Topological order: readers (no inputs) before their operator, writers right after their input.
  const vertices: JobVertex[] = [];
  for (const v of graph.vertices) vertices.push(...(readersBefore.get(v) ?? []), v, ...(writersAfter.get(v) ?? []));
  vertices.forEach((v, i) => ((v as { index: number }).index = i));
  const chaining = graph.chaining ?? true;
  return { jobName: graph.jobName, vertices, stages: assignStages(vertices, chaining), chaining };
}
