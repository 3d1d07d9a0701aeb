/**
 * A small, fast seeded PRNG (Mulberry32 over a 32-bit state). The Nexmark generator re-seeds it
 * for every event from (seed, event number), so any event can be generated on its own — by any
 * parallel source subtask — and the stream is the same at every parallelism.
 */
export class SeededRandom {
  #state = 0;

  constructor(seed = 0) {
    this.#state = seed | 0;
  }

  /** Re-seeds from a seed and a stream position (both integers; `n` may exceed 2^32). */
  reseed(seed: number, n: number): void {
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) >>> 0;
    this.#state = mix32(mix32(seed ^ 0x5bd1e995) ^ mix32(lo + 0x9e3779b9) ^ mix32(hi + 0x7f4a7c15));
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, n) for 0 < n <= 2^32. */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }
}

/** A 32-bit integer hash with good avalanche (Chris Wellons' lowbias32). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
