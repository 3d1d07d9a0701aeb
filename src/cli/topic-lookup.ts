import { CliError } from './cli-error.ts';
import type { ClusterClient, TopicMetadata } from './wire/cluster-client.ts';

/** The metadata of `topic`, or a clear error when it does not exist (a Metadata request that never auto-creates). */
export async function requireTopic(cluster: ClusterClient, topic: string): Promise<TopicMetadata> {
  const t = await cluster.topic(topic);
  if (t === undefined) throw unknownTopic(topic);
  return t;
}

/** The error of a command given a topic that does not exist. */
export function unknownTopic(topic: string): CliError {
  return new CliError(`topic "${topic}" does not exist`);
}
