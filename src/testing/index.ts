// Public API of `sluice/testing`: deterministic time, scripted sources, collecting sinks and
// operator harnesses for testing Sluice jobs without a broker.
export { ManualClock } from './manual-clock.ts';
export { TestSource } from './test-source.ts';
export { TestSink } from './test-sink.ts';
export type { SinkRecord } from './test-sink.ts';
export { OneInputOperatorHarness, ProcessFunctionTestHarnesses } from './harness.ts';
export type { HarnessOptions, HarnessRecord, WindowHarnessSpec } from './harness.ts';
