// A job file that does nothing: `sluice run empty-job.mjs` times the command up to the job's own imports.
export {};
