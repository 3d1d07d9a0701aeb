import type { NamespaceSerializer } from '../state/namespace.ts';
import type { Trigger } from './trigger.ts';
import type { Window } from './windows.ts';

/** What an assigner may read besides the element. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/**
 * Puts each element into zero or more windows, and names the default trigger.
 * Implement it for custom windowing; the built-ins cover tumbling, sliding, session and global.
 */
export abstract class WindowAssigner<T, W extends Window> {
  abstract assignWindows(element: T, timestamp: number, ctx: WindowAssignerContext): readonly W[];
  abstract getDefaultTrigger(): Trigger<T, W>;
  abstract isEventTime(): boolean;
  /** How windows are identified in state and snapshots. */
  abstract namespaceSerializer(): NamespaceSerializer<W>;
  isMerging(): this is MergingWindowAssigner<T, W> {
    return false;
  }
}

/** An assigner whose windows merge (sessions). */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  /** Calls `merge(windowsToMerge, result)` for every group of windows that become one. */
  abstract mergeWindows(windows: readonly W[], merge: (toMerge: W[], result: W) => void): void;
  override isMerging(): this is MergingWindowAssigner<T, W> {
    return true;
  }
}

/** Merge functions that merge time windows by the session rule (windows that overlap become their span). */
const sessionMerges = new WeakSet<object>();

/**
 * @internal Marks `mergeWindows` as the built-in session rule (the session assigners do), so that
 * the window operator may merge their windows by comparing bounds. An assigner that overrides
 * `mergeWindows` is not marked and goes the general way.
 */
export function markSessionMerge(mergeWindows: object): void {
  sessionMerges.add(mergeWindows);
}

/** Whether `mergeWindows` is a merge function marked by {@link markSessionMerge}. */
export function isSessionMerge(mergeWindows: unknown): boolean {
  return typeof mergeWindows === 'function' && sessionMerges.has(mergeWindows);
}
