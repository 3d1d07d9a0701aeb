/** Worker `index` of `count`; `subtasks`, when present, lists what the job group assigned to it (and wins). */
export interface WorkerShare {
  readonly index: number;
  readonly count: number;
  readonly subtasks?: readonly number[];
}
