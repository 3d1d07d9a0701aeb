import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import { computeDefaultMaxParallelism } from '../partitioning/key-groups.ts';
import type { JobVertex } from './job-graph.ts';

/** Where the max parallelism of a vertex can come from, besides its own setting. */
export interface MaxParallelismOptions {
  /** `env.setMaxParallelism(n)`: the default of every operator. */
  maxParallelism?: number | undefined;
  /** The max parallelism a savepoint recorded for an operator uid (adopted when none is configured). */
  restoredMaxParallelism?: ((uid: string) => number | undefined) | undefined;
}

/**
 * The max parallelism of a vertex, as Flink decides it: the operator's `setMaxParallelism`, else
 * the environment's, else (when restoring) the one its state was written with, else
 * `computeDefaultMaxParallelism(parallelism)`. Non-parallel operators (a collection source,
 * windowAll) have 1. The parallelism may not exceed it.
 */
export function resolveMaxParallelism(v: JobVertex, options: MaxParallelismOptions): number {
  const forced = v.maxParallelism > 0 ? v.maxParallelism : undefined; // a source's or windowAll's cap
  const configured = v.t.maxParallelism ?? options.maxParallelism;
  const restored = options.restoredMaxParallelism?.(v.uid);
  if (v.t.maxParallelism !== undefined && v.parallelism > v.t.maxParallelism) {
    throw new JobConfigurationError(
      `operator '${v.name}' (uid '${v.uid}') runs with parallelism ${v.parallelism}, above its max parallelism ${v.t.maxParallelism}; ` +
        `raise setMaxParallelism(...) or lower the parallelism (the max parallelism bounds rescaling: it is the number of key groups)`,
    );
  }
  if (forced !== undefined && v.t.maxParallelism === undefined) return forced;
  const max = configured ?? restored ?? computeDefaultMaxParallelism(v.parallelism);
  if (v.parallelism > max) {
    throw new JobConfigurationError(
      `operator '${v.name}' (uid '${v.uid}') runs with parallelism ${v.parallelism}, above the max parallelism ${max}` +
        `${configured === undefined ? ' its savepoint state was written with' : ' of the environment'}; lower the parallelism` +
        `${configured === undefined ? '' : ' or raise env.setMaxParallelism(...)'}`,
    );
  }
  return max;
}
