/**
 * The sends of a Kafka writer (a KafkaSink's, a repartition topic's) not yet acknowledged: at
 * `maxInFlight` of them it holds the job's backpressure until one is acknowledged; the first
 * failure is kept (later writes throw it) and reported once; `drain` waits for all of them.
 */
export class InFlightSends {
  readonly #sends = new Set<Promise<void>>();
  readonly #maxInFlight: number;
  readonly #hold: () => void;
  readonly #release: () => void;
  readonly #onFailure: (e: Error) => void;
  #held = false;
  /** The first failed send's error. */
  failure: Error | undefined;

  constructor(o: { maxInFlight: number; hold: () => void; release: () => void; onFailure: (e: Error) => void }) {
    this.#maxInFlight = o.maxInFlight;
    this.#hold = o.hold;
    this.#release = o.release;
    this.#onFailure = o.onFailure;
  }

  /** Tracks a send; `describe` turns its rejection into the writer's error. */
  track(sent: Promise<unknown>, describe: (e: unknown) => Error): void {
    const p: Promise<void> = sent.then(
      () => {
        this.#sends.delete(p);
        this.#maybeRelease();
      },
      (e: unknown) => {
        this.#sends.delete(p);
        this.failure ??= describe(e);
        this.#maybeRelease();
        this.#onFailure(this.failure);
      },
    );
    this.#sends.add(p);
    if (this.#sends.size >= this.#maxInFlight && !this.#held) {
      this.#held = true;
      this.#hold();
    }
  }

  /** Waits until every send is acknowledged; throws the first failure. */
  async drain(): Promise<void> {
    while (this.#sends.size > 0) await Promise.all([...this.#sends]);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits until every send settled, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#sends]);
  }

  #maybeRelease(): void {
    if (this.#held && this.#sends.size < this.#maxInFlight) {
      this.#held = false;
      this.#release();
    }
  }
}
