import type { KafkaConnection } from '../../core/kafka-clients.ts';
import type { ChangelogEntry } from '../../kafka/changelog-reader.ts';
import { decodeChangelogRecord, type ChangelogChange } from '../../kafka/changelog-codec.ts';
import { CheckpointLog } from '../../kafka/checkpoint-log.ts';
import type { WorkerConsumer } from '../../kafka/client-supplier.ts';
import { fetchRound, type ReadRecord } from '../../kafka/read-to-end.ts';
import { WorkerClients } from '../../kafka/worker-clients.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import { computeKeyGroupRangeForOperatorIndex } from '../partitioning/key-groups.ts';
import { changelogTopicOf } from './topic-names.ts';
import { memoryReplicaStore, type ReplicaEntries, type ReplicaStore } from './standby-store.ts';

/** What a standby replica hands to the restore of a unit that became active on its worker. */
export interface StandbyHandOver {
  /** The replica's entries (the changelog's committed records up to `from`, last write per record key). */
  readonly entries: Iterable<ChangelogEntry>;
  /** Per key group (partition): where the changelog tail starts. */
  readonly from: ReadonlyMap<number, bigint>;
  /** How many entries the replica holds. */
  readonly size: number;
}

/** Where `DurableState` looks for warm copies before it reads a changelog from its beginning. */
export interface StandbySource {
  /** Takes (and forgets) the replica of `uid`'s key groups among `keyGroups`; undefined when none is held here. */
  take(uid: string, keyGroups: readonly number[]): StandbyHandOver | undefined;
}

export interface StandbyReplicasOptions {
  readonly jobId: string;
  readonly clock: Clock;
  /** The job's vertices (uid → parallelism): which key groups of a keyed operator a unit holds. */
  readonly vertices: ReadonlyArray<{ readonly uid: string; readonly parallelism: number }>;
  /** Where replicas keep their entries; default on the heap. */
  readonly store?: ReplicaStore;
}

/** One key group of one keyed operator, as replicated here. */
interface Replica {
  readonly uid: string;
  readonly topic: string;
  readonly keyGroup: number;
  readonly unit: number;
  /** The next changelog offset to read. */
  position: bigint;
  /** Last record per record key (latin1 of the key bytes), in the replica store. */
  readonly entries: ReplicaEntries;
}

/**
 * The warm standby replicas this worker keeps for units other workers run (Kafka Streams' standby
 * tasks): for each assigned unit, every key group of its keyed operators' changelogs is tailed
 * read_committed and materialized as the compacted changelog (last record per key, tombstones
 * delete) in a {@link ReplicaStore} (the heap, or LMDB files for jobs on the LMDB backend), with
 * the offset it reached. A replica therefore always equals the
 * changelog's committed prefix up to its position: under exactly-once that is state of committed
 * checkpoints only; under at-least-once it may include changes of a checkpoint still in flight —
 * exactly what a changelog restore reads too, since a restore reads to the end. When the unit
 * becomes active here, its restore takes the replica and reads only the tail after it: the
 * state is the same as a full changelog read (loaded through the backend's ordinary restore
 * path). A revoked replica is dropped.
 */
export class StandbyReplicas implements StandbySource {
  readonly #o: StandbyReplicasOptions;
  readonly #clients: WorkerClients;
  readonly #store: ReplicaStore;
  #connection: KafkaConnection | undefined;
  /** Units assigned as standbys, and the units active here (their replicas wait to be taken). */
  #units: number[] = [];
  #active: number[] = [];
  /** Keyed operators from the job record (uid → max parallelism); undefined until a checkpoint wrote it. */
  #keyed: Map<string, number> | undefined;
  readonly #replicas = new Map<string, Replica>();
  /** Replicas of units that became active here, waiting for their restore to take them. */
  readonly #parked = new Map<string, Replica>();
  readonly #caughtUp = new Set<number>();
  /** Per unit: changelog offsets between its replicas' positions and the last stable offsets, at the last measurement. */
  readonly #lag = new Map<number, number>();
  #lagMeasuredAt = Number.NEGATIVE_INFINITY;
  /** Key groups whose changelog this worker cannot read (the restore reads them itself and reports why). */
  readonly #broken = new Set<string>();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(options: StandbyReplicasOptions) {
    this.#o = options;
    this.#clients = new WorkerClients({ clientId: `sluice-${options.jobId}-standby`, producer: () => ({ kind: 'idempotent' }) });
    this.#store = options.store ?? memoryReplicaStore();
  }

  /** The cluster of the job's internal topics (known once the membership joined). */
  attach(connection: KafkaConnection): void {
    this.#connection ??= connection;
    this.#loop ??= this.#run();
  }

  /** A new assignment: `standbys` are tailed here; replicas of `active` units wait for their restore; others are dropped. */
  assign(standbys: readonly number[], active: readonly number[]): void {
    for (const r of this.#parked.values()) r.entries.drop(); // not taken by the previous generation's restore
    this.#parked.clear();
    this.#units = [...standbys];
    this.#active = [...active];
    for (const [id, r] of this.#replicas) {
      if (this.#units.includes(r.unit)) continue;
      this.#replicas.delete(id);
      if (this.#active.includes(r.unit)) this.#parked.set(id, r);
      else r.entries.drop();
    }
    for (const u of [...this.#caughtUp]) if (!this.#units.includes(u)) this.#caughtUp.delete(u);
    for (const u of [...this.#lag.keys()]) if (!this.#units.includes(u)) this.#lag.delete(u);
    if (standbys.length > 0) logger.info({ job: this.#o.jobId, units: standbys }, 'standby replicas: this worker keeps warm copies of these units\' keyed state');
    this.#wake?.();
  }

  /** What the subscription tells the leader: the units held, and those read to their end at the last look. */
  info(): { standbys: number[]; caughtUp: number[]; standbyLag: Record<string, number> } {
    const held = [...new Set([...this.#replicas.values()].map((r) => r.unit))].sort((a, b) => a - b);
    const lag = Object.fromEntries(held.flatMap((u) => (this.#lag.has(u) ? [[String(u), this.#lag.get(u)!]] : [])));
    return { standbys: held, caughtUp: held.filter((u) => this.#caughtUp.has(u)), standbyLag: lag };
  }

  /** Per standby unit: the entries its replicas hold, and whether they read their changelogs to the end at the last look (worker status). */
  status(): Array<{ unit: number; entries: number; caughtUp: boolean; lag?: number }> {
    const entries = new Map<number, number>();
    for (const r of this.#replicas.values()) entries.set(r.unit, (entries.get(r.unit) ?? 0) + r.entries.size);
    return [...entries].sort(([a], [b]) => a - b).map(([unit, n]) => ({ unit, entries: n, caughtUp: this.#caughtUp.has(unit), ...(this.#lag.has(unit) && { lag: this.#lag.get(unit)! }) }));
  }

  take(uid: string, keyGroups: readonly number[]): StandbyHandOver | undefined {
    const taken: Replica[] = [];
    for (const kg of keyGroups) {
      const id = `${uid}/${kg}`;
      const r = this.#parked.get(id) ?? this.#replicas.get(id);
      if (r === undefined) continue;
      this.#parked.delete(id);
      this.#replicas.delete(id);
      taken.push(r);
    }
    if (taken.length === 0) return undefined;
    return {
      from: new Map(taken.map((r) => [r.keyGroup, r.position])),
      size: taken.reduce((n, r) => n + r.entries.size, 0),
      entries: (function* () {
        for (const r of taken) {
          try {
            yield* r.entries.values();
          } finally {
            r.entries.drop(); // handed over: the restore holds the state now
          }
        }
      })(),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#loop?.catch(() => {});
    await this.#clients.close();
    await this.#store.close();
  }

  async #run(): Promise<void> {
    const clients = this.#clients.clients(this.#connection!);
    const consumer = clients.consumer('standby');
    try {
      while (!this.#closed) {
        if (this.#units.length === 0) {
          await this.#idle(1_000);
          continue;
        }
        try {
          if (this.#keyed === undefined) await this.#readJobRecord(consumer);
          if (this.#keyed === undefined) {
            await this.#idle(500);
            continue;
          }
          this.#sync();
          if (this.#replicas.size === 0) {
            await this.#idle(1_000); // the standby units have no keyed state (or are all parked)
            continue;
          }
          await this.#round(consumer);
        } catch (e) {
          if (this.#closed) break;
          logger.warn({ job: this.#o.jobId, err: e }, 'standby replicas: reading the changelogs failed; retrying (the active worker is not affected)');
          await this.#idle(1_000);
        }
      }
    } finally {
      await consumer.close().catch(() => {});
      clients.release(consumer);
    }
  }

  async #readJobRecord(consumer: WorkerConsumer): Promise<void> {
    const { job } = await new CheckpointLog(this.#o.jobId, { clock: this.#o.clock }).read(consumer);
    const keyed = (job as { keyed?: Record<string, number> } | undefined)?.keyed;
    if (keyed !== undefined && typeof keyed === 'object') this.#keyed = new Map(Object.entries(keyed));
  }

  /** Creates the replicas of the assigned units' key groups not held yet. */
  #sync(): void {
    for (const [uid, maxParallelism] of this.#keyed!) {
      const parallelism = this.#o.vertices.find((v) => v.uid === uid)?.parallelism;
      if (parallelism === undefined) continue;
      for (const unit of this.#units) {
        if (unit >= parallelism) continue;
        const range = computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, unit);
        for (let kg = range.start; kg <= range.end; kg++) {
          const id = `${uid}/${kg}`;
          if (!this.#replicas.has(id) && !this.#broken.has(id)) this.#replicas.set(id, { uid, topic: changelogTopicOf(this.#o.jobId, uid), keyGroup: kg, unit, position: 0n, entries: this.#store.entries(id, kg) });
        }
      }
    }
  }

  /** One read_committed fetch per changelog of what the replicas hold; a unit whose fetches brought nothing is caught up. */
  async #round(consumer: WorkerConsumer): Promise<void> {
    const byTopic = new Map<string, Replica[]>();
    for (const r of this.#replicas.values()) (byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!).push(r);
    const busy = new Set<number>();
    for (const [topic, replicas] of byTopic) {
      const position = new Map(replicas.map((r) => [r.keyGroup, r.position]));
      const byGroup = new Map(replicas.map((r) => [r.keyGroup, r]));
      const held = (r: Replica): boolean => this.#replicas.get(`${r.uid}/${r.keyGroup}`) === r || this.#parked.get(`${r.uid}/${r.keyGroup}`) === r;
      const pending: Array<{ r: Replica; id: string; rec: ReadRecord; change: ChangelogChange }> = [];
      const apply = (rec: ReadRecord): void => {
        const r = byGroup.get(rec.partition);
        if (r === undefined || !held(r)) return;
        if (rec.key === null) return this.#giveUp(r, `record ${topic}/${rec.partition}@${rec.offset} has no key`);
        let change: ChangelogChange;
        try {
          change = decodeChangelogRecord(rec.key, rec.value);
        } catch (e) {
          return this.#giveUp(r, `cannot read changelog record ${topic}/${rec.partition}@${rec.offset}: ${(e as Error).message}`);
        }
        pending.push({ r, id: rec.key.toString('latin1'), rec, change });
      };
      await fetchRound(consumer, topic, [...position.keys()], position, undefined, apply, { maxWaitMs: 500 });
      // Records and positions move together, synchronously: a restore that took a replica meanwhile
      // reads these records from the changelog itself (they are past the position it was handed).
      this.#store.batch(() => {
        for (const { r, id, rec, change } of pending) {
          if (!held(r)) continue;
          r.entries.apply(id, rec.key!, rec.value, change, rec.offset);
          busy.add(r.unit);
        }
      });
      for (const [kg, offset] of position) {
        const r = byGroup.get(kg)!;
        if (offset > r.position && held(r)) r.position = offset;
      }
    }
    await this.#measureLag(consumer, byTopic);
    for (const u of this.#units) {
      const replicas = [...this.#replicas.values()].filter((r) => r.unit === u);
      if (replicas.length === 0) continue;
      if (busy.has(u)) this.#caughtUp.delete(u);
      else if (!this.#caughtUp.has(u)) {
        this.#caughtUp.add(u);
        logger.info({ job: this.#o.jobId, unit: u, entries: replicas.reduce((n, r) => n + r.entries.size, 0), keyGroups: replicas.length }, 'standby replica caught up with the changelog');
      }
    }
  }

  /** At most every 2 s: each unit's lag, the offsets between its replicas' positions and the changelogs' last stable offsets. */
  async #measureLag(consumer: WorkerConsumer, byTopic: ReadonlyMap<string, Replica[]>): Promise<void> {
    const now = this.#o.clock.now();
    if (now - this.#lagMeasuredAt < 2_000) return;
    this.#lagMeasuredAt = now;
    const lag = new Map<number, number>();
    for (const [topic, replicas] of byTopic) {
      const ends = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: replicas.map((r) => r.keyGroup) }, timestamp: -1n, isolationLevel: 1 });
      for (const r of replicas) {
        const end = ends.get(topic)?.[r.keyGroup];
        if (end !== undefined) lag.set(r.unit, (lag.get(r.unit) ?? 0) + Math.max(0, Number(end - r.position)));
      }
    }
    for (const [u, n] of lag) this.#lag.set(u, n);
  }

  /** A record the replica cannot apply: it stops replicating that key group (a takeover reads it from the changelog). */
  #giveUp(r: Replica, why: string): void {
    const id = `${r.uid}/${r.keyGroup}`;
    if (this.#replicas.get(id) === r || this.#parked.get(id) === r) r.entries.drop();
    this.#replicas.delete(id);
    this.#parked.delete(id);
    this.#broken.add(id);
    logger.warn({ job: this.#o.jobId, operator: r.uid, keyGroup: r.keyGroup, reason: why }, 'standby replica: a changelog record cannot be read; this key group is not replicated here (a takeover restores it from the changelog)');
  }

  #idle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
