/** The `bench:engine` workloads `bench:metrics-overhead` measures, and what one side of a round is. */
export const WORKLOADS = { '(a) map-filter': 'engineMapFilter', '(b) window count': 'engineWindowCount', '(c) keyed exchange': 'engineKeyedExchange' } as const;
export type WorkloadName = keyof typeof WORKLOADS;

export interface RoundSide {
  name: string;
  /** The checkout whose `benchmarks/engine/workloads.ts` (and so `src/`) runs. */
  dir: string;
  metrics: 'on' | 'off';
}
