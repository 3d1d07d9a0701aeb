/**
 * The guarantee of checkpoints (Flink's `CheckpointingMode`); only AT_LEAST_ONCE is accepted today.
 *
 * @example
 * ```ts
 * import { CheckpointingMode } from 'sluice';
 * env.enableCheckpointing(5_000, CheckpointingMode.AT_LEAST_ONCE);
 * ```
 */
export const CheckpointingMode = {
  EXACTLY_ONCE: 'EXACTLY_ONCE',
  AT_LEAST_ONCE: 'AT_LEAST_ONCE',
} as const;

export type CheckpointingMode = (typeof CheckpointingMode)[keyof typeof CheckpointingMode];

/** The checkpoint settings the executor reads. */
export interface CheckpointSettings {
  interval: number;
  timeout: number;
  minPause: number;
  tolerableFailures: number;
}
