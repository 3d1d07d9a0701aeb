import type { Transformation } from '../runtime/graph/transformations.ts';
import type { DataStream } from './datastream.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { ConnectedStreams } from './connected-streams.ts';
import type { AllWindowedStream } from './windowed-stream.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import type { Window } from '../core/windowing/windows.ts';

/**
 * Late-bound constructors of the stream classes, registered by their modules, so that
 * `DataStream` can create a `KeyedStream` (its subclass) without an import cycle.
 */
export const streamFactories = {
  plain: undefined as unknown as <T>(env: StreamExecutionEnvironment, t: Transformation) => DataStream<T>,
  keyed: undefined as unknown as <T, K>(input: DataStream<T>, keyOf: (v: T) => K, alreadyPartitioned?: boolean) => KeyedStream<T, K>,
  connected: undefined as unknown as <A, B>(a: DataStream<A>, b: DataStream<B>) => ConnectedStreams<A, B>,
  allWindowed: undefined as unknown as <T, W extends Window>(input: DataStream<T>, assigner: WindowAssigner<T, W>) => AllWindowedStream<T, W>,
};

export type { Transformation };
