import { CliError } from '../cli-error.ts';
import { JOB_STATUS_TOPIC } from '../../kafka/job-status/status-topic.ts';
import { StatusTable } from '../../kafka/job-status/jobs-overview.ts';
import { AssignedReader } from '../consume/assigned-reader.ts';
import type { CliContext } from '../context.ts';
import { withCluster } from '../wire/cli-cluster.ts';
import { LATEST, listOffsets } from '../wire/topic-admin.ts';

const READ_TIMEOUT_MS = 30_000;

/**
 * Reads the cluster's status topic from its beginning to its end as it was when the read began
 * (on Sluice's own wire client, so `sluice jobs` starts fast): the newest status of every worker.
 * No topic yet means no job ever published (an empty table). Records that are not statuses are
 * skipped with one warning on stderr.
 */
export async function readStatusTopic(ctx: CliContext, warn: (line: string) => void): Promise<StatusTable> {
  const table = new StatusTable();
  const ends = await withCluster(ctx, async (cluster) => {
    const topic = await cluster.topic(JOB_STATUS_TOPIC);
    return topic === undefined ? undefined : listOffsets(cluster, topic, LATEST, 0);
  });
  if (ends === undefined || ends.every((e) => e === 0n)) return table;
  const reader = await AssignedReader.open(ctx, JOB_STATUS_TOPIC, true, 0);
  const deadline = Date.now() + READ_TIMEOUT_MS;
  try {
    while (reader.positions.some((p, i) => p < (ends[i] ?? 0n))) {
      if (Date.now() > deadline) throw new CliError(`cannot read ${JOB_STATUS_TOPIC} to its end within ${READ_TIMEOUT_MS / 1000} s (at ${reader.positions.join(',')} of ${ends.join(',')})`);
      for (const r of await reader.poll()) {
        if (r.offset < (ends[r.partition] ?? 0n)) table.apply(r.key ?? null, r.value ?? null, `${JOB_STATUS_TOPIC}-${r.partition}@${r.offset}`);
      }
    }
  } finally {
    await reader.close();
  }
  if (table.malformed > 0) {
    warn(`skipped ${table.malformed} record${table.malformed === 1 ? '' : 's'} of ${JOB_STATUS_TOPIC} that ${table.malformed === 1 ? 'is' : 'are'} not a worker status (first: ${table.firstProblem})`);
  }
  return table;
}
