import type { OutputTag } from '../../core/output-tag.ts';
import { WatermarkValve } from '../../time/watermark-valve.ts';
import { KeyPartitioningError, UserFunctionError } from '../../core/errors/job-errors.ts';
import type { AbstractStreamOperator, OneInputOperator, TwoInputOperator } from '../operators/operator.ts';
import type { Output } from '../../core/output.ts';
import { MIN_WATERMARK } from '../../core/watermark/watermark.ts';
import { assignToKeyGroup, computeKeyGroupRangeForOperatorIndex, computeOperatorIndexForKeyGroup } from '../partitioning/key-groups.ts';

/** Receives records: an operator (first input) or an adapter to a second input. */
export interface RecordTarget {
  processElement(value: unknown, timestamp: number): void;
}

/**
 * What the output of one edge at one sending subtask has sent, for the metrics: one increment per
 * record where the record is routed anyway (no wrapper on the record path), read at refresh.
 */
export interface CountedEdgeOutput extends Output<unknown> {
  /** Records sent to the i-th of this output's receivers (in the order it was given them). */
  sentTo(i: number): number;
  /** Records collected (a broadcast sends each of them to every receiver). */
  records(): number;
  /** The last watermark sent (MIN_WATERMARK before the first). */
  readonly lastWatermark: number;
}

/** Second input of a two-input operator, as a record target. */
export class SecondInput implements RecordTarget {
  readonly #op: TwoInputOperator<unknown, unknown, unknown>;
  constructor(op: TwoInputOperator<unknown, unknown, unknown>) {
    this.#op = op;
  }
  processElement(value: unknown, timestamp: number): void {
    this.#op.processElement2(value, timestamp);
  }
}

/** Where the watermarks and idleness of an input's channels go (an input gate, or a BATCH buffer). */
export interface WatermarkGate {
  watermark(wm: number, channel: number): void;
  idle(idle: boolean, channel: number): void;
}

/**
 * One input of one operator subtask: combines the watermarks and idleness of its channels (one
 * per upstream subtask per edge) and hands the combined watermark to the operator.
 */
export class InputGate implements WatermarkGate {
  readonly #valve: WatermarkValve | undefined;
  readonly #wm: (wm: number) => void;
  readonly #idle: (idle: boolean) => void;
  channels = 0;
  constructor(op: AbstractStreamOperator<unknown>, inputIndex: 1 | 2, twoInput: boolean, channels: number) {
    this.channels = channels;
    if (!twoInput) {
      const o = op as OneInputOperator<unknown, unknown>;
      this.#wm = (w) => o.processWatermark(w);
      this.#idle = (i) => {
        o.inputIdle = i;
        o.processIdle(i);
      };
    } else {
      const o = op as TwoInputOperator<unknown, unknown, unknown>;
      this.#wm = inputIndex === 1 ? (w) => o.processWatermark1(w) : (w) => o.processWatermark2(w);
      this.#idle = inputIndex === 1 ? (i) => o.processIdle1(i) : (i) => o.processIdle2(i);
    }
    if (channels > 1) this.#valve = new WatermarkValve(channels, { onWatermark: this.#wm, onIdle: this.#idle });
  }
  watermark(wm: number, channel: number): void {
    if (this.#valve !== undefined) this.#valve.inputWatermark(wm, channel);
    else this.#wm(wm);
  }
  idle(idle: boolean, channel: number): void {
    if (this.#valve !== undefined) this.#valve.inputIdle(idle, channel);
    else this.#idle(idle);
  }
}

/** Same subtask index downstream (chaining within a stage is exactly this: a direct call). */
export class ForwardOutput implements CountedEdgeOutput {
  readonly target: RecordTarget;
  readonly #gate: WatermarkGate;
  readonly #ch: number;
  sent = 0;
  lastWatermark = MIN_WATERMARK;
  constructor(target: RecordTarget, gate: WatermarkGate, channel: number) {
    this.target = target;
    this.#gate = gate;
    this.#ch = channel;
  }
  collect(value: unknown, timestamp: number): void {
    this.sent++;
    this.target.processElement(value, timestamp);
  }
  emitWatermark(wm: number): void {
    this.lastWatermark = wm;
    this.#gate.watermark(wm, this.#ch);
  }
  sentTo(): number {
    return this.sent;
  }
  records(): number {
    return this.sent;
  }
  emitIdle(idle: boolean): void {
    this.#gate.idle(idle, this.#ch);
  }
  collectSide(): void {}
}

/**
 * A forward edge into a stream reinterpreted as keyed: checks that every record's key belongs to
 * a key group the receiving subtask owns, so keyed state is never split differently from keyBy.
 */
export class KeyCheckingForwardOutput extends ForwardOutput {
  readonly #keyOf: (v: unknown) => unknown;
  readonly #target: { name: string; uid: string; maxParallelism: number; parallelism: number };
  readonly #subtask: number;
  readonly #start: number;
  readonly #end: number;
  constructor(target: RecordTarget, gate: WatermarkGate, channel: number, keyOf: (v: unknown) => unknown, vertex: { name: string; uid: string; maxParallelism: number; parallelism: number }, subtask: number) {
    super(target, gate, channel);
    this.#keyOf = keyOf;
    this.#target = vertex;
    this.#subtask = subtask;
    const r = computeKeyGroupRangeForOperatorIndex(vertex.maxParallelism, vertex.parallelism, subtask);
    this.#start = r.start;
    this.#end = r.end;
  }
  override collect(value: unknown, timestamp: number): void {
    let k: unknown;
    try {
      k = this.#keyOf(value);
    } catch (e) {
      throw new UserFunctionError(this.#target.name, this.#target.uid, value, e, 'extracting the key of record');
    }
    const kg = assignToKeyGroup(k, this.#target.maxParallelism);
    if (kg < this.#start || kg > this.#end) {
      throw new KeyPartitioningError(this.#target.name, this.#target.uid, k, kg, this.#subtask, { start: this.#start, end: this.#end });
    }
    this.sent++;
    this.target.processElement(value, timestamp);
  }
}

/** Base of exchanges to all downstream subtasks: watermarks and idleness go to every one. */
abstract class ExchangeOutput implements CountedEdgeOutput {
  readonly targets: RecordTarget[];
  readonly gates: WatermarkGate[];
  readonly ch: number;
  /** Records sent to each downstream subtask. */
  readonly sent: Float64Array;
  lastWatermark = MIN_WATERMARK;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number) {
    this.targets = targets;
    this.gates = gates;
    this.ch = channel;
    this.sent = new Float64Array(targets.length);
  }
  abstract collect(value: unknown, timestamp: number): void;
  sentTo(i: number): number {
    return this.sent[i] ?? 0;
  }
  records(): number {
    let n = 0;
    for (let i = 0; i < this.sent.length; i++) n += this.sent[i]!;
    return n;
  }
  emitWatermark(wm: number): void {
    this.lastWatermark = wm;
    for (let i = 0; i < this.gates.length; i++) this.gates[i]!.watermark(wm, this.ch);
  }
  emitIdle(idle: boolean): void {
    for (let i = 0; i < this.gates.length; i++) this.gates[i]!.idle(idle, this.ch);
  }
  collectSide(): void {}
}

/** keyBy: key → key group (Kafka's partitioner over maxParallelism partitions) → the subtask owning it. */
export class HashOutput extends ExchangeOutput {
  readonly #keyOf: (v: unknown) => unknown;
  readonly #n: number;
  readonly #maxParallelism: number;
  readonly #name: string;
  readonly #uid: string;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number, keyOf: (v: unknown) => unknown, target: { name: string; uid: string; maxParallelism: number }) {
    super(targets, gates, channel);
    this.#keyOf = keyOf;
    this.#n = targets.length;
    this.#maxParallelism = target.maxParallelism;
    this.#name = target.name;
    this.#uid = target.uid;
  }
  collect(value: unknown, timestamp: number): void {
    let k: unknown;
    try {
      k = this.#keyOf(value);
    } catch (e) {
      throw new UserFunctionError(this.#name, this.#uid, value, e, 'extracting the key of record');
    }
    const i = computeOperatorIndexForKeyGroup(this.#maxParallelism, this.#n, assignToKeyGroup(k, this.#maxParallelism));
    this.sent[i]!++;
    this.targets[i]!.processElement(value, timestamp);
  }
}

/** `partitionCustom`: the user's partitioner picks the downstream subtask from the key. */
export class CustomPartitionerOutput extends ExchangeOutput {
  readonly #keyOf: (v: unknown) => unknown;
  readonly #partition: (key: unknown, numPartitions: number) => number;
  readonly #target: { name: string; uid: string };
  constructor(
    targets: RecordTarget[],
    gates: WatermarkGate[],
    channel: number,
    p: { keyOf: (v: unknown) => unknown; partition: (key: unknown, numPartitions: number) => number },
    target: { name: string; uid: string },
  ) {
    super(targets, gates, channel);
    this.#keyOf = p.keyOf;
    this.#partition = p.partition;
    this.#target = target;
  }
  collect(value: unknown, timestamp: number): void {
    const n = this.targets.length;
    let i: number;
    try {
      i = this.#partition(this.#keyOf(value), n);
    } catch (e) {
      throw new UserFunctionError(this.#target.name, this.#target.uid, value, e, 'partitioning (partitionCustom) record');
    }
    if (!(Number.isInteger(i) && i >= 0 && i < n)) {
      const e = new RangeError(`the partitioner returned ${String(i)}; it must return an integer in [0, ${n}) (numPartitions is the downstream parallelism)`);
      throw new UserFunctionError(this.#target.name, this.#target.uid, value, e, 'partitioning (partitionCustom) record');
    }
    this.sent[i]!++;
    this.targets[i]!.processElement(value, timestamp);
  }
}

/** `shuffle`: a uniformly random downstream subtask (seeded per sender, so runs repeat). */
export class ShuffleOutput extends ExchangeOutput {
  #state: number;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number, seed: number) {
    super(targets, gates, channel);
    this.#state = (Math.imul(seed + 1, 0x9e3779b9) | 0) || 1;
  }
  collect(value: unknown, timestamp: number): void {
    // xorshift32
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x;
    const i = (x >>> 0) % this.targets.length;
    this.sent[i]!++;
    this.targets[i]!.processElement(value, timestamp);
  }
}

/**
 * `rescale`: round robin over the subset of downstream subtasks this sender is connected to
 * (Flink's pointwise pattern); watermarks and idleness go to those subtasks only.
 */
export class RescaleOutput implements CountedEdgeOutput {
  readonly #targets: RecordTarget[];
  readonly #gates: Array<[WatermarkGate, number]>;
  readonly #sent: Float64Array;
  #next = 0;
  lastWatermark = MIN_WATERMARK;
  constructor(targets: RecordTarget[], gates: Array<[WatermarkGate, number]>) {
    this.#targets = targets;
    this.#gates = gates;
    this.#sent = new Float64Array(targets.length);
  }
  collect(value: unknown, timestamp: number): void {
    const i = this.#next;
    this.#next = i + 1 === this.#targets.length ? 0 : i + 1;
    this.#sent[i]!++;
    this.#targets[i]!.processElement(value, timestamp);
  }
  sentTo(i: number): number {
    return this.#sent[i] ?? 0;
  }
  records(): number {
    let n = 0;
    for (let i = 0; i < this.#sent.length; i++) n += this.#sent[i]!;
    return n;
  }
  emitWatermark(wm: number): void {
    this.lastWatermark = wm;
    for (const [g, ch] of this.#gates) g.watermark(wm, ch);
  }
  emitIdle(idle: boolean): void {
    for (const [g, ch] of this.#gates) g.idle(idle, ch);
  }
  collectSide(): void {}
}

/** Round robin over downstream subtasks. */
export class RebalanceOutput extends ExchangeOutput {
  #next: number;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number, start: number) {
    super(targets, gates, channel);
    this.#next = start % targets.length;
  }
  collect(value: unknown, timestamp: number): void {
    const i = this.#next;
    this.#next = i + 1 === this.targets.length ? 0 : i + 1;
    this.sent[i]!++;
    this.targets[i]!.processElement(value, timestamp);
  }
}

/** Everything to subtask 0 (e.g. into a windowAll). */
export class GlobalOutput extends ExchangeOutput {
  collect(value: unknown, timestamp: number): void {
    this.sent[0]!++;
    this.targets[0]!.processElement(value, timestamp);
  }
}

/** Every record to every downstream subtask. */
export class BroadcastOutput extends ExchangeOutput {
  collect(value: unknown, timestamp: number): void {
    for (let i = 0; i < this.targets.length; i++) {
      this.sent[i]!++;
      this.targets[i]!.processElement(value, timestamp);
    }
  }
  override records(): number {
    return this.sent[0] ?? 0;
  }
}

/** Several consumers of the same stream. */
export class FanOutput implements Output<unknown> {
  readonly #outs: Output<unknown>[];
  constructor(outs: Output<unknown>[]) {
    this.#outs = outs;
  }
  collect(value: unknown, timestamp: number): void {
    for (let i = 0; i < this.#outs.length; i++) this.#outs[i]!.collect(value, timestamp);
  }
  emitWatermark(wm: number): void {
    for (const o of this.#outs) o.emitWatermark(wm);
  }
  emitIdle(idle: boolean): void {
    for (const o of this.#outs) o.emitIdle(idle);
  }
  collectSide(): void {}
}

/** Main output plus side outputs by tag id. */
export class RoutingOutput implements Output<unknown> {
  readonly #main: Output<unknown>;
  readonly #sides: Map<string, Output<unknown>>;
  constructor(main: Output<unknown>, sides: Map<string, Output<unknown>>) {
    this.#main = main;
    this.#sides = sides;
  }
  collect(value: unknown, timestamp: number): void {
    this.#main.collect(value, timestamp);
  }
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.#sides.get(tag.id)?.collect(value, timestamp);
  }
  emitWatermark(wm: number): void {
    this.#main.emitWatermark(wm);
    for (const o of this.#sides.values()) o.emitWatermark(wm);
  }
  emitIdle(idle: boolean): void {
    this.#main.emitIdle(idle);
    for (const o of this.#sides.values()) o.emitIdle(idle);
  }
}

/** First input of a two-input operator, as a record target. */
export class FirstInput implements RecordTarget {
  readonly #op: TwoInputOperator<unknown, unknown, unknown>;
  constructor(op: TwoInputOperator<unknown, unknown, unknown>) {
    this.#op = op;
  }
  processElement(value: unknown, timestamp: number): void {
    this.#op.processElement1(value, timestamp);
  }
}
