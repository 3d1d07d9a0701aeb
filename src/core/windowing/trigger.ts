import type { StateDescriptor } from '../state/descriptors.ts';
import type { Window } from './windows.ts';

/** What a trigger decides for a window. */
export const TriggerResult = {
  CONTINUE: 'CONTINUE',
  FIRE: 'FIRE',
  PURGE: 'PURGE',
  FIRE_AND_PURGE: 'FIRE_AND_PURGE',
} as const;

export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/** Timers and per-(key, window) state for triggers. */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** State scoped to the current key and window. */
  getPartitionedState<S>(descriptor: StateDescriptor<S>): S;
}

export interface OnMergeContext extends TriggerContext {
  /** Merges the trigger state of the merged windows into the new window. */
  mergePartitionedState<S>(descriptor: StateDescriptor<S>): void;
}

/**
 * Decides when a window is evaluated (FIRE) and/or emptied (PURGE).
 *
 * @example
 * ```ts
 * import { Trigger, TriggerResult, type TimeWindow } from 'sluice';
 * class FireOnEveryElement extends Trigger<unknown, TimeWindow> {
 *   onElement() { return TriggerResult.FIRE; }
 *   onEventTime() { return TriggerResult.CONTINUE; }
 *   onProcessingTime() { return TriggerResult.CONTINUE; }
 *   clear() {}
 * }
 * ```
 */
export abstract class Trigger<T, W extends Window> {
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract clear(window: W, ctx: TriggerContext): void;
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`${this.constructor.name} does not support merging windows`);
  }
  /**
   * A capability the window operator may use: true when `onElement`, for a window that already
   * has contents and whose end the watermark has not passed, changes nothing (it only registers
   * a timer that exists), so the call can be skipped. Default false: every element is seen.
   */
  onElementIsNoOpForKnownWindow(): boolean {
    return false;
  }
}
