import type { ExchangeSerde } from '../../core/exchange-serde.ts';
import type { OutputTag } from '../../core/output-tag.ts';
import type { Source } from '../../core/source.ts';
import type { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import type { OneInputOperator, TwoInputOperator } from '../operators/operator.ts';

/**
 * How records travel from one operator to the next; `serde`: how they become bytes when the
 * exchange goes through a repartition topic (`withExchangeSerde`; default: the portable encoding).
 */
export type Partitioning = PartitioningKind & { readonly serde?: ExchangeSerde<unknown> };
type PartitioningKind =
  /** `keyOf` on a forward edge: the input claims to be partitioned by that key already (reinterpretAsKeyedStream). */
  | { kind: 'forward'; keyOf?: (value: unknown) => unknown }
  | { kind: 'hash'; keyOf: (value: unknown) => unknown }
  | { kind: 'rebalance' }
  | { kind: 'rescale' }
  | { kind: 'shuffle' }
  | { kind: 'custom'; partition: (key: unknown, numPartitions: number) => number; keyOf: (value: unknown) => unknown }
  | { kind: 'global' }
  | { kind: 'broadcast' };

/**
 * Whether an operator shares a stage (chain) with its neighbours: `always` (default), `head`
 * (starts a new chain; `startNewChain()`), `never` (alone; `disableChaining()`).
 */
export type ChainingStrategy = 'always' | 'head' | 'never';

interface Base {
  readonly id: number;
  name: string;
  uid: string | undefined;
  parallelism: number | undefined;
  /** The stream has event timestamps (for build-time checks). */
  readonly hasTimestamps: boolean;
  /** Max parallelism set on this operator (`setMaxParallelism`): the number of key groups of its state. */
  maxParallelism?: number | undefined;
  /** `startNewChain()` / `disableChaining()`. */
  chaining?: ChainingStrategy;
  /** `setDescription()`: shown in the execution plan. */
  description?: string;
  /** `slotSharingGroup()`: recorded in the plan; every task of a local job shares one process. */
  slotSharingGroup?: string;
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
  /** Runs as one subtask whatever the default parallelism (windowAll), like Flink's forceNonParallel. */
  readonly nonParallel?: boolean;
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
