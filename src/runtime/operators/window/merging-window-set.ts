import type { MergingWindowAssigner } from '../../../core/windowing/assigner.ts';
import type { Window } from '../../../core/windowing/windows.ts';
import type { NamespaceKey, NamespaceSerializer } from '../../../core/state/namespace.ts';

/** Called when windows merge: the new window, the merged ones, and which state windows hold their contents. */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: W[], stateWindowResult: W, mergedStateWindows: W[]) => void;

/**
 * The session windows of one key. Each window maps to the "state window" whose namespace holds
 * its contents; when windows merge, the contents stay in the state window of one of them, so
 * merging moves little data. Persisted in keyed state as [window, stateWindow] pairs.
 */
export class MergingWindowSet<W extends Window> {
  readonly #mapping = new Map<NamespaceKey, [W, W]>();
  readonly #assigner: MergingWindowAssigner<unknown, W>;
  readonly #ns: NamespaceSerializer<W>;
  #changed = false;

  constructor(assigner: MergingWindowAssigner<unknown, W>, ns: NamespaceSerializer<W>, persisted: readonly (readonly [unknown, unknown])[] | undefined) {
    this.#assigner = assigner;
    this.#ns = ns;
    for (const [w, s] of persisted ?? []) {
      const window = this.#revive(w);
      this.#mapping.set(ns.key(window), [window, this.#revive(s)]);
    }
  }

  #revive(w: unknown): W {
    return typeof w === 'object' && w !== null && 'maxTimestamp' in w ? (w as W) : this.#ns.fromJSON(this.#ns.toJSON(w as W) ?? w);
  }

  get changed(): boolean {
    return this.#changed;
  }

  getStateWindow(window: W): W | undefined {
    return this.#mapping.get(this.#ns.key(window))?.[1];
  }

  retireWindow(window: W): void {
    if (this.#mapping.delete(this.#ns.key(window))) this.#changed = true;
  }

  /** Adds a window, merging it with existing ones; returns the window the new one ended up in. */
  addWindow(newWindow: W, merge: MergeFunction<W>): W {
    const windows = [...[...this.#mapping.values()].map(([w]) => w), newWindow];
    const groups: Array<[W, W[]]> = [];
    this.#assigner.mergeWindows(windows, (toMerge, result) => groups.push([result, toMerge]));
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    const newKey = this.#ns.key(newWindow);
    for (const [mergeResult, mergedWindowsIn] of groups) {
      let mergedWindows = mergedWindowsIn;
      if (mergedWindows.some((w) => this.#ns.key(w) === newKey)) {
        mergedNewWindow = true;
        resultWindow = mergeResult;
        mergedWindows = mergedWindows.filter((w) => this.#ns.key(w) !== newKey);
      }
      if (mergedWindows.length === 0) continue;
      // Contents of the merged windows collapse into the state window of the first of them.
      const mergedStateWindows: W[] = [];
      for (const w of mergedWindows) {
        const entry = this.#mapping.get(this.#ns.key(w));
        if (entry !== undefined) {
          this.#mapping.delete(this.#ns.key(w));
          mergedStateWindows.push(entry[1]);
        }
      }
      const stateWindowResult = mergedStateWindows.shift()!;
      this.#mapping.set(this.#ns.key(mergeResult), [mergeResult, stateWindowResult]);
      this.#changed = true;
      const onlyItself = mergedWindows.length === 1 && this.#ns.key(mergedWindows[0]!) === this.#ns.key(mergeResult);
      if (!onlyItself) merge(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows);
    }
    if (!mergedNewWindow && !this.#mapping.has(newKey)) {
      this.#mapping.set(newKey, [newWindow, newWindow]);
      this.#changed = true;
    }
    return resultWindow;
  }

  toState(): Array<[W, W]> {
    this.#changed = false;
    return [...this.#mapping.values()];
  }

  get size(): number {
    return this.#mapping.size;
  }
}
