import type { OutputTag } from '../../api/output-tag.ts';
import { WatermarkValve } from '../../time/watermark-valve.ts';
import { UserFunctionError } from '../errors.ts';
import type { AbstractStreamOperator, OneInputOperator, TwoInputOperator } from '../operators/operator.ts';
import type { Output } from '../output.ts';
import { subtaskForKey } from '../partitioning/key-partitioner.ts';

/** Receives records: an operator (first input) or an adapter to a second input. */
export interface RecordTarget {
  processElement(value: unknown, timestamp: number): void;
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
      this.#idle = (i) => o.processIdle(i);
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
export class ForwardOutput implements Output<unknown> {
  readonly target: RecordTarget;
  readonly #gate: WatermarkGate;
  readonly #ch: number;
  constructor(target: RecordTarget, gate: WatermarkGate, channel: number) {
    this.target = target;
    this.#gate = gate;
    this.#ch = channel;
  }
  collect(value: unknown, timestamp: number): void {
    this.target.processElement(value, timestamp);
  }
  emitWatermark(wm: number): void {
    this.#gate.watermark(wm, this.#ch);
  }
  emitIdle(idle: boolean): void {
    this.#gate.idle(idle, this.#ch);
  }
  collectSide(): void {}
}

/** Base of exchanges to all downstream subtasks: watermarks and idleness go to every one. */
abstract class ExchangeOutput implements Output<unknown> {
  readonly targets: RecordTarget[];
  readonly gates: WatermarkGate[];
  readonly ch: number;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number) {
    this.targets = targets;
    this.gates = gates;
    this.ch = channel;
  }
  abstract collect(value: unknown, timestamp: number): void;
  emitWatermark(wm: number): void {
    for (let i = 0; i < this.gates.length; i++) this.gates[i]!.watermark(wm, this.ch);
  }
  emitIdle(idle: boolean): void {
    for (let i = 0; i < this.gates.length; i++) this.gates[i]!.idle(idle, this.ch);
  }
  collectSide(): void {}
}

/** keyBy: key → subtask with Kafka's partitioner (see `subtaskForKey`). */
export class HashOutput extends ExchangeOutput {
  readonly #keyOf: (v: unknown) => unknown;
  readonly #n: number;
  readonly #name: string;
  readonly #uid: string;
  constructor(targets: RecordTarget[], gates: WatermarkGate[], channel: number, keyOf: (v: unknown) => unknown, target: { name: string; uid: string }) {
    super(targets, gates, channel);
    this.#keyOf = keyOf;
    this.#n = targets.length;
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
    this.targets[subtaskForKey(k, this.#n)]!.processElement(value, timestamp);
  }
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
    this.targets[i]!.processElement(value, timestamp);
  }
}

/** Everything to subtask 0 (e.g. into a windowAll). */
export class GlobalOutput extends ExchangeOutput {
  collect(value: unknown, timestamp: number): void {
    this.targets[0]!.processElement(value, timestamp);
  }
}

/** Every record to every downstream subtask. */
export class BroadcastOutput extends ExchangeOutput {
  collect(value: unknown, timestamp: number): void {
    for (let i = 0; i < this.targets.length; i++) this.targets[i]!.processElement(value, timestamp);
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
