import { NULL_OUTPUT, type Output } from '../../core/output.ts';
import type { JobEdge, JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, TwoInputOperator } from '../operators/operator.ts';
import { pointwiseTargets } from '../partitioning/pointwise.ts';
import {
  BroadcastOutput,
  CustomPartitionerOutput,
  FanOutput,
  FirstInput,
  ForwardOutput,
  GlobalOutput,
  HashOutput,
  InputGate,
  KeyCheckingForwardOutput,
  RebalanceOutput,
  RescaleOutput,
  RoutingOutput,
  SecondInput,
  ShuffleOutput,
  type CountedEdgeOutput,
  type RecordTarget,
  type WatermarkGate,
} from './edge-outputs.ts';

/** The receiving ends of an edge, one per downstream subtask. */
export interface EdgeEnds {
  targets: RecordTarget[];
  gates: WatermarkGate[];
}
/** Replaces the receiving ends of some edges (BATCH mode buffers blocking exchanges). */
export type EdgeIntercept = (e: JobEdge, ends: EdgeEnds) => EdgeEnds | undefined;

/**
 * Connects operator subtasks: creates one input gate per (subtask, input) with one watermark
 * channel per upstream sender, and returns a function that builds the output of a given
 * (vertex, subtask): direct calls for forward edges, routing for exchanges, fan-out and side
 * outputs where needed.
 */
export function wireOutputs(
  graph: JobGraph,
  operators: Map<JobVertex, AbstractStreamOperator<unknown>[]>,
  intercept?: EdgeIntercept,
  /** Told of every edge output created (the metrics read what each one sent). */
  onEdgeOutput?: (e: JobEdge, subtask: number, out: CountedEdgeOutput) => void,
): (v: JobVertex, subtask: number) => Output<unknown> {
  const gates = new Map<JobVertex, Array<{ 1: InputGate; 2: InputGate | undefined }>>();
  const targets = new Map<JobVertex, Array<{ 1: RecordTarget; 2: RecordTarget | undefined }>>();
  /** The first watermark channel of an edge at each receiving subtask. */
  const channelBase = new Map<JobEdge, number[]>();
  /** Rescale edges: the receivers of each sender. */
  const pointwise = new Map<JobEdge, number[][]>();

  for (const v of graph.vertices) {
    if (v.t.kind === 'source') continue;
    const twoInput = v.t.kind === 'two';
    const counts = Array.from({ length: v.parallelism }, () => ({ 1: 0, 2: 0 }));
    // Rescale edges last: the other edges then start at the same channel on every receiver.
    const ordered = [...v.inputs.filter((e) => e.partitioning.kind !== 'rescale'), ...v.inputs.filter((e) => e.partitioning.kind === 'rescale')];
    for (const e of ordered) {
      channelBase.set(e, counts.map((c) => c[e.inputIndex]));
      if (e.partitioning.kind === 'rescale') {
        const senders = pointwiseTargets(e.source.parallelism, v.parallelism);
        pointwise.set(e, senders);
        for (const receivers of senders) for (const j of receivers) counts[j]![e.inputIndex]++;
      } else {
        for (const c of counts) c[e.inputIndex] += e.partitioning.kind === 'forward' ? 1 : e.source.parallelism;
      }
    }
    const ops = operators.get(v)!;
    gates.set(
      v,
      ops.map((op, i) => ({
        1: new InputGate(op, 1, twoInput, counts[i]![1]),
        2: twoInput ? new InputGate(op, 2, true, counts[i]![2]) : undefined,
      })),
    );
    targets.set(
      v,
      ops.map((op, i) =>
        twoInput
          ? { 1: new FirstInput(op as TwoInputOperator<unknown, unknown, unknown>), 2: new SecondInput(op as TwoInputOperator<unknown, unknown, unknown>) }
          : { 1: op as unknown as RecordTarget, 2: undefined },
      ),
    );
  }

  const ends = new Map<JobEdge, EdgeEnds>();
  const endsOf = (e: JobEdge): EdgeEnds => {
    let x = ends.get(e);
    if (x === undefined) {
      x = { targets: targets.get(e.target)!.map((t) => t[e.inputIndex]!), gates: gates.get(e.target)!.map((g) => g[e.inputIndex]!) };
      x = intercept?.(e, x) ?? x;
      ends.set(e, x);
    }
    return x;
  };
  const edgeOutput = (e: JobEdge, subtask: number): CountedEdgeOutput => {
    const out = createEdgeOutput(e, subtask);
    onEdgeOutput?.(e, subtask, out);
    return out;
  };
  const createEdgeOutput = (e: JobEdge, subtask: number): CountedEdgeOutput => {
    const { targets: tTargets, gates: tGates } = endsOf(e);
    const bases = channelBase.get(e)!;
    // Exchanges: every sender has its own channel at every receiver (same base everywhere).
    const base = bases[0]!;
    const p = e.partitioning;
    switch (p.kind) {
      case 'forward':
        if (p.keyOf !== undefined && e.target.parallelism > 1) {
          return new KeyCheckingForwardOutput(tTargets[subtask]!, tGates[subtask]!, bases[subtask]!, p.keyOf, e.target, subtask);
        }
        return new ForwardOutput(tTargets[subtask]!, tGates[subtask]!, bases[subtask]!);
      case 'hash':
        if (tTargets.length === 1) return new GlobalOutput(tTargets, tGates, base + subtask);
        return new HashOutput(tTargets, tGates, base + subtask, p.keyOf, e.target);
      case 'custom':
        return new CustomPartitionerOutput(tTargets, tGates, base + subtask, p, e.target);
      case 'rebalance':
        return new RebalanceOutput(tTargets, tGates, base + subtask, subtask);
      case 'shuffle':
        return new ShuffleOutput(tTargets, tGates, base + subtask, subtask);
      case 'rescale': {
        const senders = pointwise.get(e)!;
        const receivers = senders[subtask]!;
        // My channel at receiver j: my position among the senders connected to j.
        const channel = (j: number): number => bases[j]! + senders.slice(0, subtask).filter((r) => r.includes(j)).length;
        return new RescaleOutput(
          receivers.map((j) => tTargets[j]!),
          receivers.map((j) => [tGates[j]!, channel(j)] as [WatermarkGate, number]),
        );
      }
      case 'global':
        return new GlobalOutput(tTargets, tGates, base + subtask);
      case 'broadcast':
        return new BroadcastOutput(tTargets, tGates, base + subtask);
    }
  };

  const combine = (outs: Output<unknown>[]): Output<unknown> =>
    outs.length === 0 ? NULL_OUTPUT : outs.length === 1 ? outs[0]! : new FanOutput(outs);

  return (v, subtask) => {
    const main: Output<unknown>[] = [];
    const sides = new Map<string, Output<unknown>[]>();
    for (const e of v.outputs) {
      const o = edgeOutput(e, subtask);
      if (e.sideTag === undefined) main.push(o);
      else {
        const list = sides.get(e.sideTag.id) ?? [];
        list.push(o);
        sides.set(e.sideTag.id, list);
      }
    }
    if (sides.size === 0) return combine(main);
    const sideOutputs = new Map<string, Output<unknown>>();
    for (const [id, list] of sides) sideOutputs.set(id, combine(list));
    return new RoutingOutput(combine(main), sideOutputs);
  };
}
