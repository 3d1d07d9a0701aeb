// A job file that does nothing: what `sluice run` loads before a job's own imports.
export {};
