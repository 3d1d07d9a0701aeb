import { MIN_WATERMARK } from '../../../core/watermark/watermark.ts';
import type { JobEdge, JobVertex } from '../../graph/job-graph.ts';
import type { RecordTarget, WatermarkGate } from '../edge-outputs.ts';
import type { EdgeEnds } from '../wiring.ts';

type PerInput<T> = { 1: T; 2: T };

/** What one subtask of a vertex behind blocking exchanges received, kept until its stage runs. */
export class SubtaskInputs {
  /** Per input, in arrival order, flat: value, timestamp, value, timestamp... */
  readonly records: PerInput<unknown[]> = { 1: [], 2: [] };
  /** Per input, the highest watermark of each channel. */
  readonly watermarks: PerInput<Map<number, number>> = { 1: new Map(), 2: new Map() };
  /** The real receiving ends (the operator's inputs and input gates), for the replay. */
  readonly targets: Partial<PerInput<RecordTarget>> = {};
  readonly gates: Partial<PerInput<WatermarkGate>> = {};

  /** Lets go of the buffered records of `input` (replayed). */
  release(input: 1 | 2): void {
    this.records[input] = [];
  }
}

/**
 * BATCH exchanges are blocking (Flink materializes intermediate results between stages): the
 * records and watermarks an edge delivers to a vertex are buffered per subtask and input, and
 * handed to the operator only once everything upstream has finished. The whole input of a stage
 * is held in memory.
 */
export class BlockedInputs {
  readonly vertex: JobVertex;
  readonly subtasks: SubtaskInputs[];

  constructor(vertex: JobVertex) {
    this.vertex = vertex;
    this.subtasks = Array.from({ length: vertex.parallelism }, () => new SubtaskInputs());
  }

  /** Receiving ends that buffer what `e` delivers; the real ends are kept for the replay. */
  intercept(e: JobEdge, real: EdgeEnds): EdgeEnds {
    const input = e.inputIndex;
    const targets = this.subtasks.map((s, i): RecordTarget => {
      s.targets[input] = real.targets[i];
      return {
        processElement: (value, timestamp) => void s.records[input].push(value, timestamp),
      };
    });
    const gates = this.subtasks.map((s, i): WatermarkGate => {
      s.gates[input] = real.gates[i];
      const marks = s.watermarks[input];
      return {
        watermark: (wm, channel) => void (wm > (marks.get(channel) ?? MIN_WATERMARK) && marks.set(channel, wm)),
        idle: () => {},
      };
    });
    return { targets, gates };
  }
}
