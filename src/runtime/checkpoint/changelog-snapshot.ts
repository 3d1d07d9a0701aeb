import { encodeChangelogKey, RESERVED_STATE_PREFIX, timerStateName, type ChangelogChange } from '../../kafka/changelog-codec.ts';
import type { ChangelogEntry } from '../../kafka/changelog-reader.ts';
import type { KeyedStateSnapshot, SnapshotEntry, StateChange } from '../../state/backend.ts';
import type { TimersSnapshot } from '../timers/internal-timer-service.ts';

/** Timer domains as they appear in the changelog's state name (`\u0000timers:<service>:<domain>`). */
const DOMAINS = { eventTime: 'event', processingTime: 'processing' } as const;
const TIMER_PREFIX = timerStateName('');

/** The identity of a changelog record (its key bytes): equal for equal (state, key, namespace). */
const identity = (state: string, key: unknown, namespace: unknown): string => encodeChangelogKey(state, key, namespace).toString('latin1');

/**
 * What the changelog needs to know about the timers of one keyed operator subtask since the last
 * checkpoint: timers are not tracked write by write, so each checkpoint compares the current
 * timers with those of the previous one (cost: one pass over the timers per checkpoint).
 */
export class TimerChangeTracker {
  #previous = new Map<string, ChangelogChange>();
  #pending: Map<string, ChangelogChange> | undefined;
  #pendingChanges: Array<{ id: string; change: ChangelogChange }> = [];
  /** Restored timers the local copy does not hold yet: listed first by every `changes()` until persisted. */
  #unstamped: Array<{ id: string; change: ChangelogChange }> = [];

  /** Adds (value true) and removals (value undefined) since the last `persisted()`. */
  changes(timers: Record<string, TimersSnapshot>): ChangelogChange[] {
    const current = new Map<string, ChangelogChange>();
    for (const [service, snap] of Object.entries(timers)) {
      for (const domain of ['eventTime', 'processingTime'] as const) {
        const state = timerStateName(`${service}:${DOMAINS[domain]}`);
        for (const [ts, ns, key] of snap[domain]) {
          const namespace = [ns, ts];
          current.set(identity(state, key, namespace), { state, key, namespace, value: true });
        }
      }
    }
    const out: Array<{ id: string; change: ChangelogChange }> = [];
    for (const [id, c] of current) if (!this.#previous.has(id)) out.push({ id, change: c });
    for (const [id, c] of this.#previous) if (!current.has(id)) out.push({ id, change: { ...c, value: undefined } });
    this.#pending = current;
    this.#pendingChanges = [...this.#unstamped, ...out];
    return out.map((c) => c.change);
  }

  /** The changes of the last `changes()` are durable; returns them with their identities. */
  persisted(): Array<{ id: string; change: ChangelogChange }> {
    if (this.#pending !== undefined) this.#previous = this.#pending;
    this.#pending = undefined;
    const done = this.#pendingChanges;
    this.#pendingChanges = [];
    this.#unstamped = [];
    return done;
  }

  /**
   * Timers that were restored count as already in the changelog. `unstamped`: the local copy does
   * not hold them (it was emptied), so the next `persisted()` lists them again for its stamp.
   */
  restored(timers: Record<string, TimersSnapshot>, unstamped = false): void {
    this.changes(timers);
    const restored = this.persisted();
    if (unstamped) this.#unstamped = this.#pendingChanges = restored;
  }
}

/** Keyed state changes as the changelog writer takes them. */
export function toChangelogChanges(changes: readonly StateChange[]): ChangelogChange[] {
  return changes.map((c) => ({ state: c.state, key: c.key, namespace: c.namespace, value: c.value, ...(c.ttlTimestamp !== undefined && { ttlTimestamp: c.ttlTimestamp }) }));
}

/**
 * Rebuilds the keyed state and timers of one operator from its changelog: entries are applied in
 * offset order per key group, the last write of an entry wins, a tombstone deletes it. The result
 * is in the form of a savepoint's operator snapshot, so the ordinary restore path (key-group
 * ranges, timers by key) loads it.
 */
export class ChangelogSnapshotBuilder {
  readonly #uid: string;
  readonly #maxParallelism: number;
  /** key group → identity → entry */
  readonly #groups = new Map<number, Map<string, ChangelogEntry>>();
  records = 0;

  constructor(uid: string, maxParallelism: number) {
    this.#uid = uid;
    this.#maxParallelism = maxParallelism;
  }

  apply(e: ChangelogEntry): void {
    this.records++;
    let group = this.#groups.get(e.keyGroup);
    if (group === undefined) this.#groups.set(e.keyGroup, (group = new Map()));
    const id = identity(e.state, e.key, e.namespace);
    // Delete first: a rewritten entry moves to the end, keeping the order of last writes.
    group.delete(id);
    if (e.value !== undefined) group.set(id, e);
  }

  /** The keyed state (by key group) and the timers (by service). */
  build(checkpointId: number): { keyed: KeyedStateSnapshot; timers: Record<string, TimersSnapshot> } {
    const timers: Record<string, TimersSnapshot> = {};
    const keyGroups: KeyedStateSnapshot['keyGroups'] = [];
    for (const kg of [...this.#groups.keys()].sort((a, b) => a - b)) {
      const states: Record<string, SnapshotEntry[]> = {};
      for (const e of this.#groups.get(kg)!.values()) {
        if (e.state.startsWith(TIMER_PREFIX)) {
          const rest = e.state.slice(TIMER_PREFIX.length);
          const cut = rest.lastIndexOf(':');
          const service = rest.slice(0, cut);
          const domain = rest.slice(cut + 1) === DOMAINS.processingTime ? 'processingTime' : 'eventTime';
          const [ns, ts] = e.namespace as [unknown, number];
          (timers[service] ??= { eventTime: [], processingTime: [] })[domain].push([ts, ns, e.key]);
          continue;
        }
        if (e.state.startsWith(RESERVED_STATE_PREFIX)) continue; // written by a newer Sluice: not ours to read
        const entry: SnapshotEntry = [e.key, e.namespace, e.value];
        if (e.ttlTimestamp !== undefined) entry.push(e.ttlTimestamp);
        (states[e.state] ??= []).push(entry);
      }
      if (Object.keys(states).length > 0) keyGroups.push({ keyGroup: kg, states });
    }
    return { keyed: { operatorUid: this.#uid, checkpointId, maxParallelism: this.#maxParallelism, kinds: {}, keyGroups }, timers };
  }
}
