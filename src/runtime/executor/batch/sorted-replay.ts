import { toStateKey } from '../../../state/key.ts';
import { UserFunctionError } from '../../../core/errors/job-errors.ts';
import type { AbstractStreamOperator, BatchInput } from '../../operators/operator.ts';
import type { SubtaskInputs } from './blocked-inputs.ts';

/** How a replay waits: for backpressure, failures, cancellation, and now and then the event loop. */
export interface ReplayControl {
  /** True when the replay should pause before the next record (an operator holds backpressure). */
  held(): boolean;
  /** Waits until records may flow again; false when the job was stopped (no more records wanted). */
  pause(): Promise<boolean>;
}

const RECORDS_PER_PAUSE = 1024;

/**
 * Feeds one subtask of a blocked vertex its buffered input, in Flink's BATCH order: broadcast
 * inputs first, then regular ones, then keyed inputs grouped by key — keys in order of first
 * arrival, each key's records (of all keyed inputs) by timestamp, ties in arrival order — with
 * the key's timers fired when it is done. Watermarks follow all records: each channel's highest.
 * Returns false when the job was stopped.
 */
export async function replaySubtask(op: AbstractStreamOperator<unknown>, inputs: SubtaskInputs, twoInput: boolean, ctl: ReplayControl): Promise<boolean> {
  const indices: Array<1 | 2> = twoInput ? [1, 2] : [1];
  const kinds = new Map(indices.map((i) => [i, op.batchInput(i)] as const));
  // Pauses (an await) only every RECORDS_PER_PAUSE records or under backpressure, not per record.
  let fed = 0;
  const due = (): boolean => ++fed % RECORDS_PER_PAUSE === 0 || ctl.held();

  for (const kind of ['broadcast', 'regular'] as const) {
    for (const i of indices) {
      if (kinds.get(i)!.kind !== kind) continue;
      const records = inputs.records[i];
      const target = inputs.targets[i];
      inputs.release(i);
      if (target === undefined) continue;
      for (let r = 0; r < records.length; r += 2) {
        target.processElement(records[r], records[r + 1] as number);
        if (due() && !(await ctl.pause())) return false;
      }
    }
  }

  const keyed = indices.filter((i) => kinds.get(i)!.kind === 'keyed');
  if (keyed.length > 0) {
    for (const group of groupByKey(op, inputs, keyed, kinds).values()) {
      for (const r of byTimestamp(group)) {
        inputs.targets[group[r] as 1 | 2]!.processElement(group[r + 1], group[r + 2] as number);
        if (due() && !(await ctl.pause())) return false;
      }
      op.endOfKey();
    }
  }

  for (const i of indices) {
    const gate = inputs.gates[i];
    if (gate !== undefined) for (const [channel, wm] of inputs.watermarks[i]) gate.watermark(wm, channel);
  }
  return true;
}

/** Records of the keyed inputs by key (first arrival order), flat: input, value, timestamp... */
function groupByKey(op: AbstractStreamOperator<unknown>, inputs: SubtaskInputs, keyed: Array<1 | 2>, kinds: Map<1 | 2, BatchInput>): Map<unknown, unknown[]> {
  const groups = new Map<unknown, unknown[]>();
  for (const i of keyed) {
    const keyOf = (kinds.get(i) as Extract<BatchInput, { kind: 'keyed' }>).keyOf;
    const records = inputs.records[i];
    inputs.release(i);
    for (let r = 0; r < records.length; r += 2) {
      const value = records[r];
      let key: unknown;
      try {
        key = toStateKey(keyOf(value));
      } catch (e) {
        throw new UserFunctionError(op.name, op.uid, value, e, 'extracting the key of record');
      }
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = []));
      g.push(i, value, records[r + 1]);
    }
  }
  return groups;
}

/** Offsets of a group's records in timestamp order (stable: equal timestamps keep arrival order). */
function byTimestamp(group: unknown[]): number[] {
  const offsets: number[] = [];
  let sorted = true;
  for (let r = 0; r < group.length; r += 3) {
    if (r > 0 && (group[r + 2] as number) < (group[r - 1] as number)) sorted = false;
    offsets.push(r);
  }
  if (!sorted) offsets.sort((a, b) => ((group[a + 2] as number) < (group[b + 2] as number) ? -1 : (group[a + 2] as number) > (group[b + 2] as number) ? 1 : a - b));
  return offsets;
}
