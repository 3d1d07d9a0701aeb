import type { OutputTag } from '../../api/output-tag.ts';
import type { Source } from '../../api/sources/source.ts';
import type { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import type { OneInputOperator, TwoInputOperator } from '../operators/operator.ts';

/** How records travel from one operator to the next. */
export type Partitioning =
  | { kind: 'forward' }
  | { kind: 'hash'; keyOf: (value: unknown) => unknown }
  | { kind: 'rebalance' }
  | { kind: 'global' }
  | { kind: 'broadcast' };

interface Base {
  readonly id: number;
  name: string;
  uid: string | undefined;
  parallelism: number | undefined;
  /** The stream has event timestamps (for build-time checks). */
  readonly hasTimestamps: boolean;
}
export interface SourceTransformation extends Base {
  readonly kind: 'source';
  readonly source: Source<unknown>;
  readonly strategy: WatermarkStrategy<unknown>;
}
export interface OneInputTransformation extends Base {
  readonly kind: 'one';
  readonly input: Transformation;
  /** Creates the operator of one subtask. */
  readonly factory: (subtaskIndex: number) => OneInputOperator<unknown, unknown>;
  /** Largest parallelism this operator supports (1 for windowAll). */
  readonly maxParallelism?: number;
  /** Without an explicit parallelism, run at the input's (assignTimestampsAndWatermarks, as in Flink). */
  readonly inheritsInputParallelism?: boolean;
  readonly isSink?: boolean;
}
export interface TwoInputTransformation extends Base {
  readonly kind: 'two';
  readonly input1: Transformation;
  readonly input2: Transformation;
  readonly factory: (subtaskIndex: number) => TwoInputOperator<unknown, unknown, unknown>;
}
export interface PartitionTransformation extends Base {
  readonly kind: 'partition';
  readonly input: Transformation;
  readonly partitioning: Partitioning;
}
export interface UnionTransformation extends Base {
  readonly kind: 'union';
  readonly inputs: readonly Transformation[];
}
export interface SideOutputTransformation extends Base {
  readonly kind: 'side';
  readonly input: Transformation;
  readonly tag: OutputTag<unknown>;
}

/** A node of the logical graph the DataStream API builds. */
export type Transformation =
  | SourceTransformation
  | OneInputTransformation
  | TwoInputTransformation
  | PartitionTransformation
  | UnionTransformation
  | SideOutputTransformation;
