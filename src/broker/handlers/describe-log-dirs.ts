import { statfsSync } from 'node:fs';
import type { RequestContext } from '../broker-context.ts';
import type { DescribeLogDirsRequest } from '../../protocol/messages/describe-log-dirs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/** Capacity and free space of the file system holding `dir`, or -1 when it cannot be read. */
function diskSpace(dir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}

/**
 * DescribeLogDirs: the broker has one log directory (its data directory) holding every partition.
 * As in Kafka, topics and partitions the broker does not host are left out of the answer rather
 * than answered with an error, and `offsetLag` is log end − high watermark, always 0 here (one
 * replica). `topics: null` describes every partition.
 */
export function handleDescribeLogDirs(ctx: RequestContext, req: DescribeLogDirsRequest): object {
  const { logs, settings } = ctx.broker;
  const wanted = req.topics === null ? null : new Map<string, number[]>();
  for (const t of req.topics ?? []) wanted!.set(t.topic, [...(wanted!.get(t.topic) ?? []), ...t.partitions]);
  const topics: object[] = [];
  for (const topic of logs.topics) {
    const indexes = wanted === null ? topic.partitions.map((_, i) => i) : wanted.get(topic.name);
    if (indexes === undefined) continue;
    const partitions: object[] = [];
    for (const i of new Set(indexes)) {
      const log = logs.partition(topic.name, i);
      if (log === undefined) continue;
      partitions.push({ partitionIndex: i, partitionSize: BigInt(log.sizeInBytes), offsetLag: 0n, isFutureKey: false });
    }
    if (partitions.length > 0) topics.push({ name: topic.name, partitions });
  }
  const logDir = settings.value('log.dirs') ?? '';
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    results: [{ errorCode: ErrorCode.NONE, logDir, topics, ...diskSpace(logDir) }],
  };
}
