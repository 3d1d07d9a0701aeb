// Public API of the `sluice` package.
export { SluiceError } from './core/errors/sluice-error.ts';
export { SluiceErrorCodes } from './core/errors/codes.ts';
export type { SluiceErrorCode } from './core/errors/codes.ts';

// Environment and streams
export { StreamExecutionEnvironment, RuntimeExecutionMode } from './api/environment.ts';
export type { ExecutionEnvironmentOptions, ExecuteOptions, RuntimeMode, ExecutionPlan } from './api/environment.ts';
export { DataStream, DataStreamSink } from './api/datastream.ts';
export { KeyedStream } from './api/keyed-stream.ts';
export { WindowedStream, AllWindowedStream } from './api/windowed-stream.ts';
export { ConnectedStreams } from './api/connected-streams.ts';
export type { CoProcessFunctionLike } from './api/connected-streams.ts';
export { OutputTag } from './core/output-tag.ts';
export { AsyncDataStream } from './api/async-datastream.ts';
export { BroadcastStream, BroadcastConnectedStream } from './api/broadcast.ts';
export type { BroadcastContext, ReadOnlyBroadcastContext, KeyedBroadcastContext } from './api/broadcast.ts';
export { KeyedBroadcastProcessFunction, BroadcastProcessFunction } from './api/broadcast.ts';
export type { BroadcastState, ReadOnlyBroadcastState } from './core/functions/broadcast-state.ts';
export { JoinedStreams, CoGroupedStreams, JoinWithWindow, CoGroupWithWindow } from './api/joins.ts';
export type { JoinFunction, CoGroupFunction, Tagged } from './api/joins.ts';
export { IntervalJoin } from './api/interval-join.ts';
export type { ProcessJoinContext } from './api/interval-join.ts';
export { ProcessJoinFunction } from './api/interval-join.ts';
export type { AsyncFunction, AsyncFunctionLike, AsyncOptions } from './api/async-datastream.ts';
export { RichAsyncFunction } from './api/async-datastream.ts';
export type { ResultFuture } from './runtime/operators/async-wait.ts';
export type { RuntimeContext, TaskInfo } from './core/runtime-context.ts';
export { DataStreamUtils } from './api/datastream-utils.ts';
export type { Partitioner, PartitionerLike } from './core/functions/partitioner.ts';
export type { ExchangeSerde } from './core/exchange-serde.ts';
export { ExecutionConfig } from './api/execution-config.ts';
export type { GlobalJobParametersLike } from './api/execution-config.ts';
export type { GlobalJobParameters } from './core/job-parameters.ts';
export { CheckpointConfig, ExternalizedCheckpointRetention, ExternalizedCheckpointCleanup } from './api/checkpoint-config.ts';
export { CheckpointingMode } from './core/checkpointing.ts';
export type { MetricGroup, Counter, Gauge, Histogram, HistogramStatistics, Meter, UserMetricValue } from './core/metric-group.ts';
export type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext, FunctionSnapshotContext } from './core/functions/checkpointed.ts';
export type { OperatorStateStore } from './core/state/operator-state-store.ts';
export type { FieldRef } from './api/field-aggregations.ts';

// Functions
export type { Collector } from './core/functions/collector.ts';
export { RichMapFunction, RichFilterFunction, RichFlatMapFunction, RichCoMapFunction, RichCoFlatMapFunction } from './core/functions/basic.ts';
export { AbstractRichFunction } from './core/functions/rich-function.ts';
export type {
  RichFunction,
  MapFunction,
  FilterFunction,
  FlatMapFunction,
  KeySelector,
  CoMapFunction,
  CoFlatMapFunction,
  MapFunctionLike,
  FilterFunctionLike,
  FlatMapFunctionLike,
  KeySelectorLike,
} from './core/functions/basic.ts';
export { ProcessFunction, KeyedProcessFunction, CoProcessFunction, KeyedCoProcessFunction, TimeDomain } from './core/functions/process.ts';
export type {
  ProcessContext,
  KeyedContext,
  OnTimerContext,
  TimerService,
  ProcessFunctionLike,
  KeyedProcessFunctionLike,
} from './core/functions/process.ts';

// Sources and sinks
export { InputStatus } from './core/source.ts';
export type { Source, SourceReader, SourceReaderContext, SourceOutput, ReaderOutput, Boundedness } from './core/source.ts';
export { CollectionSource, IterableSource } from './api/sources/collection-source.ts';
export type { SourceFunction, SourceContext } from './api/sources/source-function.ts';
export { FileSource } from './api/sources/file-source.ts';
export { GeneratorSource } from './api/sources/generator-source.ts';
export type { GeneratorSourceOptions } from './api/sources/generator-source.ts';
export type { Sink, SinkWriter, SinkInitContext, SinkWriterContext, SinkFunction } from './core/sink.ts';
export { RichSinkFunction } from './core/sink.ts';
export { PrintSink } from './api/sinks/print-sink.ts';
export { CollectSink } from './api/sinks/collect-sink.ts';

// Windows
export { Window, TimeWindow, GlobalWindow } from './core/windowing/windows.ts';
export { WindowAssigner, MergingWindowAssigner } from './core/windowing/assigner.ts';
export type { WindowAssignerContext } from './core/windowing/assigner.ts';
export {
  TumblingEventTimeWindows,
  SlidingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingProcessingTimeWindows,
  GlobalWindows,
  EndOfStreamTrigger,
} from './api/windowing/assigners.ts';
export { DeltaTrigger } from './api/windowing/delta-trigger.ts';
export { ProcessingTimeoutTrigger } from './api/windowing/processing-timeout-trigger.ts';
export type { DeltaFunction, DeltaFunctionLike } from './api/windowing/delta-function.ts';
export { EventTimeSessionWindows, ProcessingTimeSessionWindows } from './api/windowing/session-assigners.ts';
export type { SessionGapExtractor } from './api/windowing/session-assigners.ts';
export { EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, PurgingTrigger, NeverTrigger } from './api/windowing/triggers.ts';
export { Trigger, TriggerResult } from './core/windowing/trigger.ts';
export { ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger } from './api/windowing/continuous-triggers.ts';
export type { TriggerContext, OnMergeContext } from './core/windowing/trigger.ts';
export { CountEvictor, TimeEvictor, DeltaEvictor } from './api/windowing/evictors.ts';
export type { Evictor, TimestampedValue, EvictorContext } from './core/windowing/evictor.ts';
export { ProcessWindowFunction, ProcessAllWindowFunction } from './core/windowing/window-functions.ts';
export type { AllWindowFunction, AllWindowFunctionLike, KeyedWindowFunctionLike } from './api/windowing/window-function-adapters.ts';
export type {
  WindowContext,
  KeyedStateStore,
  WindowFunction,
  ProcessWindowFunctionLike,
  ProcessAllWindowFunctionLike,
} from './core/windowing/window-functions.ts';

// Time and watermarks
export { Time, Duration } from './time/time.ts';
export { MIN_WATERMARK, MAX_WATERMARK, NO_TIMESTAMP, Watermark } from './core/watermark/watermark.ts';
export { WatermarkStrategy } from './time/watermark-strategy.ts';
export type { TimestampAssigner, TimestampAssignerLike, WatermarkGeneratorContext } from './core/watermark/timestamp-assigner.ts';
export { BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator } from './time/watermark-generator.ts';
export type { WatermarkGenerator, WatermarkOutput } from './core/watermark/watermark-generator.ts';

// State
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateDescriptor,
} from './core/state/descriptors.ts';
export type { ReduceFunction, AggregateFunction } from './core/state/descriptors.ts';
export type { ValueState, ListState, MapState, ReducingState, AggregatingState, State } from './core/state/state.ts';
export { StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility, TtlTimeCharacteristic } from './core/state/ttl.ts';
export type { KeyedStateBackend, KeyedStateSnapshot, StateChange, StateBackend } from './state/backend.ts';
export { HeapKeyedStateBackend, HashMapStateBackend } from './state/heap/heap-backend.ts';
export { LmdbStateBackend } from './state/lmdb/lmdb-backend.ts';
export type { LmdbStateBackendOptions } from './state/lmdb/lmdb-backend.ts';
export { StateAccessError } from './core/errors/state-errors.ts';

// Runtime surface
export {
  UserFunctionError,
  JobConfigurationError,
  MissingTimestampError,
  JobCancelledError,
  WindowMergeError,
  SourceFailedError,
  SavepointRestoreError,
  KeyPartitioningError,
  UnsupportedSettingError,
  CheckpointFailedError,
} from './core/errors/job-errors.ts';
export { SavepointFormatError, NonRestoredStateError, SavepointFailedError } from './core/errors/savepoint-errors.ts';
export type { JobClient, JobExecutionResult, JobSnapshot, JobStatus, JobMetrics } from './runtime/executor/job-client.ts';
export {
  subtaskForKey,
  assignToKeyGroup,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
  computeDefaultMaxParallelism,
  KeyGroupRange,
} from './runtime/partitioning/key-groups.ts';
export type { OperatorSnapshot, OperatorMetrics } from './runtime/operators/operator.ts';

// Kafka connectors
export * from './connectors/kafka/index.ts';
