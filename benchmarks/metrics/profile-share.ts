/**
 * What share of a V8 CPU profile (`node --cpu-prof`) is spent in metrics code: self time of the
 * functions of src/metrics, the runtime's binding to them, the Kafka client watchers, prom-client
 * and diagnostics_channel (whose tracing runs only while the metrics watch the Kafka clients).
 * A share of samples does not depend on how loaded the machine is, unlike CPU-seconds.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; hitCount?: number }>;
  samples: number[];
  timeDeltas: number[];
}

const METRICS_CODE = [/\/src\/metrics\//, /\/src\/runtime\/worker\/task-metrics\.ts$/, /\/src\/kafka\/(client-error|rebalance)-watch\.ts$/, /\/node_modules\/prom-client\//, /^node:diagnostics_channel$/];

export interface Share {
  /** Microseconds of samples in metrics code, and in total (idle and GC included). */
  metricsUs: number;
  totalUs: number;
  /** Total minus the profiler's `(idle)` samples: the time the main thread worked (JavaScript, GC, native). */
  busyUs: number;
  /** Microseconds of `(garbage collector)` samples (allocations anywhere, metrics' included). */
  gcUs: number;
  /** The metrics functions by self time, largest first. */
  top: Array<{ fn: string; us: number }>;
}

export function metricsShare(profile: CpuProfile): Share {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let metricsUs = 0;
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url } = byId.get(id)!.callFrame;
    totalUs += us;
    if (functionName === '(idle)') idleUs += us;
    if (functionName === '(garbage collector)') gcUs += us;
    if (!METRICS_CODE.some((re) => re.test(url))) continue;
    metricsUs += us;
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|node_modules)\//, '$1/')}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const top = [...fns].map(([fn, us]) => ({ fn, us })).sort((a, b) => b.us - a.us).slice(0, 8);
  return { metricsUs, totalUs, busyUs: totalUs - idleUs, gcUs, top };
}
