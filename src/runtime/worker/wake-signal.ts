/** Wakes a worker's loop that waits for something to happen (a reader has data, a timer is due...). */
export class WakeSignal {
  #wake: (() => void) | undefined;

  /** Resolves at the next `signal()`. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.#wake = resolve));
  }

  signal(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}
