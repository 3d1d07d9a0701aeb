// Public API of the `sluice` package.
export { SluiceError } from './errors.ts';

// Environment and streams
export { StreamExecutionEnvironment, RuntimeExecutionMode } from './api/environment.ts';
export type { ExecutionEnvironmentOptions, ExecuteOptions, RuntimeMode, ExecutionPlan } from './api/environment.ts';
export { DataStream, DataStreamSink } from './api/datastream.ts';
export { KeyedStream } from './api/keyed-stream.ts';
export { WindowedStream, AllWindowedStream } from './api/windowed-stream.ts';
export { ConnectedStreams } from './api/connected-streams.ts';
export type { CoProcessFunctionLike } from './api/connected-streams.ts';
export { OutputTag } from './api/output-tag.ts';
export { AsyncDataStream } from './api/async-datastream.ts';
export { BroadcastStream, BroadcastConnectedStream } from './api/broadcast.ts';
export type {
  BroadcastState,
  ReadOnlyBroadcastState,
  BroadcastContext,
  ReadOnlyBroadcastContext,
  KeyedBroadcastContext,
  KeyedBroadcastProcessFunction,
  BroadcastProcessFunction,
} from './api/broadcast.ts';
export { JoinedStreams, CoGroupedStreams, JoinWithWindow, CoGroupWithWindow } from './api/joins.ts';
export type { JoinFunction, CoGroupFunction, Tagged } from './api/joins.ts';
export { IntervalJoin } from './api/interval-join.ts';
export type { ProcessJoinFunction, ProcessJoinContext } from './api/interval-join.ts';
export type { AsyncFunction, AsyncFunctionLike, AsyncOptions } from './api/async-datastream.ts';
export type { RuntimeContext, TaskInfo } from './api/runtime-context.ts';
export { DataStreamUtils } from './api/datastream-utils.ts';
export type { Partitioner, PartitionerLike } from './api/functions/partitioner.ts';
export { ExecutionConfig } from './api/execution-config.ts';
export type { GlobalJobParameters, GlobalJobParametersLike } from './api/execution-config.ts';
export { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointRetention, ExternalizedCheckpointCleanup } from './api/checkpoint-config.ts';
export type { MetricGroup, Counter, Gauge, Histogram, HistogramStatistics, Meter, UserMetricValue } from './api/metric-group.ts';
export type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext, FunctionSnapshotContext } from './api/functions/checkpointed.ts';
export type { OperatorStateStore } from './state/operator/operator-state-store.ts';
export type { FieldRef } from './api/field-aggregations.ts';

// Functions
export type { Collector } from './api/functions/collector.ts';
export { RichMapFunction, RichFilterFunction, RichFlatMapFunction } from './api/functions/basic.ts';
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
} from './api/functions/basic.ts';
export { ProcessFunction, KeyedProcessFunction, CoProcessFunction, KeyedCoProcessFunction } from './api/functions/process.ts';
export type {
  ProcessContext,
  KeyedContext,
  OnTimerContext,
  TimerService,
  TimeDomain,
  ProcessFunctionLike,
  KeyedProcessFunctionLike,
} from './api/functions/process.ts';

// Sources and sinks
export { InputStatus } from './api/sources/source.ts';
export type { Source, SourceReader, SourceReaderContext, SourceOutput, ReaderOutput, Boundedness } from './api/sources/source.ts';
export { CollectionSource, IterableSource } from './api/sources/collection-source.ts';
export { FileSource } from './api/sources/file-source.ts';
export { GeneratorSource } from './api/sources/generator-source.ts';
export type { GeneratorSourceOptions } from './api/sources/generator-source.ts';
export type { Sink, SinkWriter, SinkInitContext, SinkWriterContext, SinkFunction, RichSinkFunction } from './api/sinks/sink.ts';
export { PrintSink } from './api/sinks/print-sink.ts';
export { CollectSink } from './api/sinks/collect-sink.ts';

// Windows
export { Window, TimeWindow, GlobalWindow } from './api/windowing/windows.ts';
export { WindowAssigner, MergingWindowAssigner } from './api/windowing/assigner.ts';
export type { WindowAssignerContext } from './api/windowing/assigner.ts';
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
export {
  Trigger,
  TriggerResult,
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  NeverTrigger,
} from './api/windowing/triggers.ts';
export { ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger } from './api/windowing/continuous-triggers.ts';
export type { TriggerContext, OnMergeContext } from './api/windowing/triggers.ts';
export { CountEvictor, TimeEvictor, DeltaEvictor } from './api/windowing/evictors.ts';
export type { Evictor, TimestampedValue, EvictorContext } from './api/windowing/evictors.ts';
export { ProcessWindowFunction, ProcessAllWindowFunction } from './api/windowing/window-functions.ts';
export type {
  WindowContext,
  KeyedStateStore,
  WindowFunction,
  ProcessWindowFunctionLike,
  ProcessAllWindowFunctionLike,
} from './api/windowing/window-functions.ts';

// Time and watermarks
export { Time, Duration } from './time/time.ts';
export { MIN_WATERMARK, MAX_WATERMARK, NO_TIMESTAMP } from './time/watermark.ts';
export { WatermarkStrategy } from './time/watermark-strategy.ts';
export type { TimestampAssigner, TimestampAssignerLike, WatermarkGeneratorContext } from './time/watermark-strategy.ts';
export { BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator } from './time/watermark-generator.ts';
export type { WatermarkGenerator, WatermarkOutput } from './time/watermark-generator.ts';

// State
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateDescriptor,
} from './state/descriptors.ts';
export type { ReduceFunction, AggregateFunction } from './state/descriptors.ts';
export type { ValueState, ListState, MapState, ReducingState, AggregatingState, State } from './state/state.ts';
export { StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility } from './state/ttl.ts';
export type { KeyedStateBackend, KeyedStateSnapshot, StateChange, StateBackend } from './state/backend.ts';
export { HeapKeyedStateBackend, HashMapStateBackend } from './state/heap/heap-backend.ts';
export { LmdbStateBackend } from './state/lmdb/lmdb-backend.ts';
export type { LmdbStateBackendOptions } from './state/lmdb/lmdb-backend.ts';
export { StateAccessError } from './state/errors.ts';

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
} from './runtime/errors.ts';
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
