/**
 * What a benchmark job process reports on its last stdout line (one JSON object), measured over
 * its own work: from the first input event to the end (all outputs written), wall time and the
 * CPU time of the whole process (process.cpuUsage: every thread, GC included), and its peak RSS.
 */
export interface JobResult {
  query: string;
  events: number;
  outputs: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** Marks the start of the measured work, then reports it. */
export class WorkMeter {
  #t0 = Number.NaN;
  #cpu0: NodeJS.CpuUsage | undefined;

  /** Idempotent: the first call starts the measurement. */
  start(): void {
    if (this.#cpu0 !== undefined) return;
    this.#t0 = performance.now();
    this.#cpu0 = process.cpuUsage();
  }

  get started(): boolean {
    return this.#cpu0 !== undefined;
  }

  /** Prints the result line. */
  report(query: string, events: number, outputs: number): JobResult {
    const cpu = process.cpuUsage(this.#cpu0);
    const result: JobResult = {
      query,
      events,
      outputs,
      seconds: (performance.now() - this.#t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  }
}
