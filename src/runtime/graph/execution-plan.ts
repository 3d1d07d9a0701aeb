import type { JobGraph } from './job-graph.ts';

/** `getExecutionPlanJson()`: stages of chained operators and the exchanges into them. */
export interface ExecutionPlan {
  jobName: string;
  stages: Array<{
    id: number;
    parallelism: number;
    operators: Array<{ uid: string; name: string; maxParallelism: number; description?: string; slotSharingGroup?: string }>;
    inputs: Array<{ fromStage: number; partitioning: string; sideOutput: string | undefined }>;
  }>;
}

/** The plan of a compiled job as data. */
export function executionPlanOf(g: JobGraph): ExecutionPlan {
  return {
    jobName: g.jobName,
    stages: g.stages.map((st) => ({
      id: st.id,
      parallelism: st.parallelism,
      operators: st.vertices.map((v) => ({
        uid: v.uid,
        name: v.name,
        maxParallelism: v.maxParallelism,
        ...(v.t.description !== undefined && { description: v.t.description }),
        ...(v.t.slotSharingGroup !== undefined && { slotSharingGroup: v.t.slotSharingGroup }),
      })),
      inputs: st.vertices[0]!.inputs.map((e) => ({ fromStage: e.source.stage, partitioning: e.partitioning.kind, sideOutput: e.sideTag?.id })),
    })),
  };
}
