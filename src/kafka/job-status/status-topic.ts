// The names both sides of the status topic share: the workers that write it (status-record.ts) and
// the readers (`sluice jobs`, the dashboard: status-reading.ts). Free of imports, so a reader loads
// none of the writer's code.

/**
 * The cluster-wide status topic: every worker of every job writes its status there, keyed by
 * `<jobId>/<workerId>`, so one read of one topic lists every job of the cluster (as Kafka
 * Connect's status topic does for connectors). Compacted: the newest status per worker stays;
 * with `delete` too, statuses not refreshed for `retention.ms` (workers and jobs long gone) go.
 */
export const JOB_STATUS_TOPIC = '__sluice_jobs_status';

/** The `v` field of every value; readers skip other versions. */
export const STATUS_FORMAT_VERSION = 1;
