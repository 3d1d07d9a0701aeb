import { isSessionMerge, type MergingWindowAssigner } from '../../../core/windowing/assigner.ts';
import { timeWindowSerializer, Window, type TimeWindow } from '../../../core/windowing/windows.ts';
import type { NamespaceSerializer } from '../../../core/state/namespace.ts';

/** Called when windows merge: the new window, the merged ones, and which state windows hold their contents. */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: W[], stateWindowResult: W, mergedStateWindows: W[]) => void;

/** A window and the state window whose namespace holds its contents. Never mutated: it may be part of a state value. */
type Pair<W> = readonly [window: W, stateWindow: W];

const NO_PAIRS: readonly Pair<never>[] = Object.freeze([]);

function isWindow(w: unknown): boolean {
  return w instanceof Window || (typeof w === 'object' && w !== null && 'maxTimestamp' in w);
}

/**
 * The session windows of one key. Each window maps to the "state window" whose namespace holds
 * its contents; when windows merge, the contents stay in the state window of one of them, so
 * merging moves little data. Persisted in keyed state as [window, stateWindow] pairs.
 *
 * One instance serves every element of an operator (`load` the key's pairs, then work): the
 * loaded array is the state's value, so it is copied before the first change, never changed in
 * place. The built-in session assigners take a path that compares window bounds and allocates
 * only the windows and pairs that change; other merging assigners go through `mergeWindows`.
 */
export class MergingWindowSet<W extends Window> {
  readonly #assigner: MergingWindowAssigner<unknown, W>;
  readonly #ns: NamespaceSerializer<W>;
  /** Time windows merged by the built-in session rule: windows of the set never touch one another. */
  readonly #sessions: boolean;
  #pairs: readonly Pair<W>[] = NO_PAIRS;
  /** `#pairs` is this set's own copy (not the state's value). */
  #owned = false;
  #changed = false;

  constructor(assigner: MergingWindowAssigner<unknown, W>, ns: NamespaceSerializer<W>, persisted?: readonly (readonly [unknown, unknown])[] | undefined) {
    this.#assigner = assigner;
    this.#ns = ns;
    this.#sessions = isSessionMerge(assigner.mergeWindows) && (ns as unknown) === timeWindowSerializer;
    this.load(persisted);
  }

  /** Switches to the windows of another key (its persisted pairs; undefined: none). */
  load(persisted: readonly (readonly [unknown, unknown])[] | undefined): this {
    this.#changed = false;
    this.#owned = false;
    const pairs = (persisted ?? NO_PAIRS) as readonly Pair<W>[];
    this.#pairs = pairs;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      // Pairs read back from LMDB are plain objects: make windows of them (once per reload).
      if (!isWindow(pair[0]) || !isWindow(pair[1])) {
        this.#pairs = pairs.map(([w, s]) => [this.#revive(w), this.#revive(s)] as const);
        this.#owned = true;
        break;
      }
    }
    return this;
  }

  #revive(w: unknown): W {
    return isWindow(w) ? (w as W) : this.#ns.fromJSON(this.#ns.toJSON(w as W) ?? w);
  }

  get changed(): boolean {
    return this.#changed;
  }

  get size(): number {
    return this.#pairs.length;
  }

  #same(a: W, b: W): boolean {
    if (this.#sessions) return (a as unknown as TimeWindow).start === (b as unknown as TimeWindow).start && (a as unknown as TimeWindow).end === (b as unknown as TimeWindow).end;
    return this.#ns.key(a) === this.#ns.key(b);
  }

  #indexOf(window: W): number {
    const pairs = this.#pairs;
    for (let i = 0; i < pairs.length; i++) if (this.#same(pairs[i]![0], window)) return i;
    return -1;
  }

  getStateWindow(window: W): W | undefined {
    const i = this.#indexOf(window);
    return i < 0 ? undefined : this.#pairs[i]![1];
  }

  retireWindow(window: W): void {
    const i = this.#indexOf(window);
    if (i >= 0) this.#mutable().splice(i, 1);
  }

  /** The pairs, ready to change (copied first if they are the state's value); marks the set changed. */
  #mutable(): Pair<W>[] {
    if (!this.#owned) {
      this.#pairs = this.#pairs.slice();
      this.#owned = true;
    }
    this.#changed = true;
    return this.#pairs as Pair<W>[];
  }

  /** Adds a window, merging it with existing ones; returns the window the new one ended up in. */
  addWindow(newWindow: W, merge: MergeFunction<W>): W {
    return this.#sessions ? this.#addSession(newWindow, merge) : this.#addGeneric(newWindow, merge);
  }

  /**
   * The built-in session rule, which the windows of the set already satisfy (none touches
   * another): the new window merges with the windows it touches. One of them is the common
   * case (a session grows); several fall back to the general path.
   */
  #addSession(newWindow: W, merge: MergeFunction<W>): W {
    const n = newWindow as unknown as TimeWindow;
    const pairs = this.#pairs;
    let hit = -1;
    for (let i = 0; i < pairs.length; i++) {
      if (!n.intersects(pairs[i]![0] as unknown as TimeWindow)) continue;
      if (hit >= 0) return this.#addGeneric(newWindow, merge);
      hit = i;
    }
    if (hit < 0) {
      this.#mutable().push([newWindow, newWindow]);
      return newWindow;
    }
    const [existing, stateWindow] = pairs[hit]!;
    const e = existing as unknown as TimeWindow;
    if (e.start <= n.start && e.end >= n.end) return existing; // inside a session: nothing changes
    const result = e.cover(n) as unknown as W;
    const next = this.#mutable();
    next.splice(hit, 1);
    next.push([result, stateWindow]);
    merge(result, [existing], stateWindow, []);
    return result;
  }

  /** Any merging assigner: `mergeWindows` over all windows of the key. */
  #addGeneric(newWindow: W, merge: MergeFunction<W>): W {
    const windows = this.#pairs.map(([w]) => w);
    windows.push(newWindow);
    const groups: Array<[W, W[]]> = [];
    this.#assigner.mergeWindows(windows, (toMerge, result) => groups.push([result, toMerge]));
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const [mergeResult, mergedWindowsIn] of groups) {
      let mergedWindows = mergedWindowsIn;
      if (mergedWindows.some((w) => this.#same(w, newWindow))) {
        mergedNewWindow = true;
        resultWindow = mergeResult;
        mergedWindows = mergedWindows.filter((w) => !this.#same(w, newWindow));
      }
      if (mergedWindows.length === 0) continue;
      // Contents of the merged windows collapse into the state window of the first of them.
      const mergedStateWindows: W[] = [];
      for (const w of mergedWindows) {
        const i = this.#indexOf(w);
        if (i >= 0) {
          mergedStateWindows.push(this.#pairs[i]![1]);
          this.#mutable().splice(i, 1);
        }
      }
      const stateWindowResult = mergedStateWindows.shift()!;
      this.#set([mergeResult, stateWindowResult]);
      const onlyItself = mergedWindows.length === 1 && this.#same(mergedWindows[0]!, mergeResult);
      if (!onlyItself) merge(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows);
    }
    if (!mergedNewWindow && this.#indexOf(newWindow) < 0) this.#mutable().push([newWindow, newWindow]);
    return resultWindow;
  }

  /** Replaces the pair of an equal window in place, or appends (a Map's `set`). */
  #set(pair: Pair<W>): void {
    const i = this.#indexOf(pair[0]);
    const pairs = this.#mutable();
    if (i >= 0) pairs[i] = pair;
    else pairs.push(pair);
  }

  /** The pairs to persist; the set must not change them afterwards (it copies first). */
  toState(): Array<[W, W]> {
    this.#changed = false;
    this.#owned = false;
    return this.#pairs as Array<[W, W]>;
  }
}
