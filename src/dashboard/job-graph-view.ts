import type { JobGraph, JobVertex } from '../runtime/graph/job-graph.ts';
import type { ExchangeView, JobGraphView, OperatorView } from './job-view.ts';

type Kind = OperatorView['kind'];
const kindOf = (v: JobVertex): Kind => (v.t.kind === 'source' ? 'source' : (v.t as { isSink?: boolean }).isSink === true ? 'sink' : 'operator');

/** Flink's partitioner names; `shuffle` is a random spread, shown with the rebalances. */
function partitioningOf(kind: string): ExchangeView['partitioning'] {
  return kind === 'shuffle' ? 'rebalance' : (kind as ExchangeView['partitioning']);
}

/**
 * The compiled job graph as the dashboard shows it: a stage per chain of operators (Flink's job
 * vertex, named like Flink's chains: `Source: orders -> Map -> Filter`), and an exchange per edge
 * that crosses stages.
 */
export function jobGraphView(graph: JobGraph): JobGraphView {
  const stages = graph.stages.map((s) => {
    const inStage = new Set(s.vertices.map((v) => v.uid));
    return {
      id: String(s.id),
      name: s.vertices.map((v) => v.name).join(' -> '),
      parallelism: s.parallelism,
      maxParallelism: s.vertices[0]?.maxParallelism,
      operators: s.vertices.map((v) => ({ uid: v.uid, name: v.name, kind: kindOf(v), inputs: v.inputs.map((e) => e.source.uid).filter((u) => inStage.has(u)) })),
    };
  });
  const exchanges: ExchangeView[] = [];
  for (const v of graph.vertices) {
    for (const e of v.inputs) {
      if (e.source.stage === v.stage) continue;
      exchanges.push({ from: String(e.source.stage), to: String(v.stage), fromOperator: e.source.uid, toOperator: v.uid, partitioning: partitioningOf(e.partitioning.kind), via: 'memory' });
    }
  }
  return { stages, exchanges };
}
