/** When the last-access timestamp of a TTL'd state entry is refreshed. */
export const UpdateType = {
  /** Only creating and writing refreshes the entry (default). */
  OnCreateAndWrite: 'OnCreateAndWrite',
  /** Reading refreshes the entry too. */
  OnReadAndWrite: 'OnReadAndWrite',
  /** TTL is off: the state never expires (a descriptor given such a config behaves as without TTL). */
  Disabled: 'Disabled',
} as const;
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

/** Whether an expired entry that was not cleaned up yet may still be returned. */
export const StateVisibility = {
  /** Expired entries are never returned (default). */
  NeverReturnExpired: 'NeverReturnExpired',
  /** An expired entry is returned once more, by the read that removes it (unless cleanup came first). */
  ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp',
} as const;
export type StateVisibility = (typeof StateVisibility)[keyof typeof StateVisibility];

/**
 * The time TTL is measured in: only processing time, as in Flink.
 *
 * @example
 * ```ts
 * import { StateTtlConfig, TtlTimeCharacteristic } from 'sluice';
 * StateTtlConfig.newBuilder(60_000).setTtlTimeCharacteristic(TtlTimeCharacteristic.ProcessingTime).build();
 * ```
 */
export const TtlTimeCharacteristic = {
  ProcessingTime: 'ProcessingTime',
} as const;
export type TtlTimeCharacteristic = (typeof TtlTimeCharacteristic)[keyof typeof TtlTimeCharacteristic];

/**
 * Time-to-live of keyed state entries, in processing time (the job's clock). Expired entries are
 * removed by the read that finds them (which returns them only under
 * `ReturnExpiredIfNotCleanedUp`), and in full during snapshots. As in Flink, a value state with
 * TTL has no default value: an absent or expired value reads as `undefined`.
 *
 * @example
 * ```ts
 * import { StateTtlConfig, ValueStateDescriptor, Time } from 'sluice';
 * const seen = new ValueStateDescriptor<boolean>('seen');
 * seen.enableTimeToLive(StateTtlConfig.newBuilder(Time.hours(1)).updateTtlOnReadAndWrite().build());
 * // in processElement: if (!(seen.value() ?? false)) { ... }
 * ```
 */
export class StateTtlConfig {
  readonly ttl: number;
  readonly updateType: UpdateType;
  readonly stateVisibility: StateVisibility;

  constructor(ttl: number, updateType: UpdateType = UpdateType.OnCreateAndWrite, visibility: StateVisibility = StateVisibility.NeverReturnExpired) {
    if (!(ttl > 0)) throw new RangeError(`StateTtlConfig: ttl must be a number of ms > 0, got ${ttl}`);
    this.ttl = ttl;
    this.updateType = updateType;
    this.stateVisibility = visibility;
  }

  static newBuilder(ttl: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  // Flink's getters.
  getTtl(): number {
    return this.ttl;
  }
  getUpdateType(): UpdateType {
    return this.updateType;
  }
  getStateVisibility(): StateVisibility {
    return this.stateVisibility;
  }
  getTtlTimeCharacteristic(): TtlTimeCharacteristic {
    return TtlTimeCharacteristic.ProcessingTime;
  }
  /** False for `UpdateType.Disabled`: such a config leaves the state without TTL. */
  isEnabled(): boolean {
    return this.updateType !== UpdateType.Disabled;
  }
}

/** Builder of {@link StateTtlConfig}, Flink style. */
export class StateTtlConfigBuilder {
  #ttl: number;
  #update: UpdateType = UpdateType.OnCreateAndWrite;
  #visibility: StateVisibility = StateVisibility.NeverReturnExpired;
  constructor(ttl: number) {
    this.#ttl = ttl;
  }
  setUpdateType(t: UpdateType): this {
    this.#update = t;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(UpdateType.OnCreateAndWrite);
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(UpdateType.OnReadAndWrite);
  }
  setStateVisibility(v: StateVisibility): this {
    this.#visibility = v;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility(StateVisibility.NeverReturnExpired);
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp);
  }
  /** Accepted for compatibility: expired entries are always dropped from full snapshots. */
  cleanupFullSnapshot(): this {
    return this;
  }
  /** Accepted for compatibility: expired entries are removed when read, and at snapshots. */
  cleanupIncrementally(_cleanupSize?: number, _runCleanupForEveryRecord?: boolean): this {
    return this;
  }
  /** Accepted (expired entries are also dropped by snapshots and reads, whatever is set here). */
  cleanupInRocksdbCompactFilter(_queryTimeAfterNumEntries?: number): this {
    return this;
  }
  /** Accepted: Sluice has no background cleanup to turn off (reads and snapshots clean up). */
  disableCleanupInBackground(): this {
    return this;
  }
  /** TTL is always measured in processing time (the job clock); anything else is refused. */
  setTtlTimeCharacteristic(c: TtlTimeCharacteristic): this {
    if (c !== TtlTimeCharacteristic.ProcessingTime) throw new RangeError(`StateTtlConfig: TTL time characteristic '${String(c)}' is not supported; TTL is measured in processing time`);
    return this;
  }
  useProcessingTime(): this {
    return this.setTtlTimeCharacteristic(TtlTimeCharacteristic.ProcessingTime);
  }
  setTtl(ttl: number): this {
    this.#ttl = ttl;
    return this;
  }
  build(): StateTtlConfig {
    return new StateTtlConfig(this.#ttl, this.#update, this.#visibility);
  }
}
