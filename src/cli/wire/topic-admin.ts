import { ApiKey } from '../../protocol/api-keys.ts';
import type { DescribeConfigsResponse } from '../../protocol/messages/describe-configs.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import type { ClusterClient, TopicMetadata } from './cluster-client.ts';
import { BrokerRequestError } from './wire-errors.ts';

/** The topics the client may see (a topic it may not DESCRIBE is left out by the broker). */
export async function listTopics(cluster: ClusterClient, includeInternal: boolean): Promise<string[]> {
  const { topics } = await cluster.metadata();
  return topics.filter((t) => t.errorCode === 0 && t.name !== null && (includeInternal || !t.isInternal)).map((t) => t.name!);
}

/** How long the controller may take to apply a topic change before it answers REQUEST_TIMED_OUT. */
const TOPIC_CHANGE_TIMEOUT_MS = 30_000;

export async function createTopic(cluster: ClusterClient, name: string, partitions: number, replicationFactor: number, configs: Array<{ name: string; value: string }>): Promise<void> {
  const controller = await cluster.controller();
  const { topics } = await controller.request(ApiKey.CreateTopics, {
    topics: [{ name, numPartitions: partitions, replicationFactor, assignments: [], configs }],
    timeoutMs: TOPIC_CHANGE_TIMEOUT_MS,
    validateOnly: false,
  });
  const t = topics.find((x) => x.name === name);
  if (t === undefined) throw new BrokerRequestError('CreateTopics', -1, 'the broker did not answer for the topic', `topic "${name}"`);
  if (t.errorCode !== 0) throw new BrokerRequestError('CreateTopics', t.errorCode, t.errorMessage, `topic "${name}"`);
}

export async function deleteTopic(cluster: ClusterClient, name: string): Promise<void> {
  const controller = await cluster.controller();
  const { responses } = await controller.request(ApiKey.DeleteTopics, { topics: [{ name, topicId: ZERO_UUID }], topicNames: [name], timeoutMs: TOPIC_CHANGE_TIMEOUT_MS });
  const r = responses.find((x) => x.name === name) ?? responses[0];
  if (r !== undefined && r.errorCode !== 0) throw new BrokerRequestError('DeleteTopics', r.errorCode, r.errorMessage, `topic "${name}"`);
}

/** Resource type TOPIC of DescribeConfigs. */
const TOPIC_RESOURCE = 2;

export async function describeTopicConfigs(cluster: ClusterClient, name: string): Promise<DescribeConfigsResponse['results'][number]['configs']> {
  const { results } = await (await cluster.any()).request(ApiKey.DescribeConfigs, {
    resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const r = results[0];
  if (r !== undefined && r.errorCode !== 0) throw new BrokerRequestError('DescribeConfigs', r.errorCode, r.errorMessage, `topic "${name}"`);
  return r?.configs ?? [];
}

/** Kafka's special ListOffsets timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;

/**
 * The offset at `timestamp` (EARLIEST, LATEST or a time) of every partition of `topic`, asked of
 * each partition's leader. With read_committed (isolationLevel 1), LATEST is the last stable offset.
 * With `only`, just those partitions are asked (the others stay 0n).
 */
export async function listOffsets(cluster: ClusterClient, topic: TopicMetadata, timestamp: bigint, isolationLevel: number, only?: readonly number[]): Promise<bigint[]> {
  const name = topic.name!;
  const offsets: bigint[] = new Array<bigint>(topic.partitions.length).fill(0n);
  await Promise.all(
    [...partitionsByLeader(topic, only)].map(async ([leader, partitions]) => {
      const { topics } = await (await cluster.node(leader)).request(ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
      });
      for (const p of topics[0]?.partitions ?? []) {
        if (p.errorCode !== 0) throw new BrokerRequestError('ListOffsets', p.errorCode, null, `${name}-${p.partitionIndex}`);
        offsets[p.partitionIndex] = p.offset;
      }
    }),
  );
  return offsets;
}

/** Partition indexes by leader node (a partition without a leader is under -1: its requests fail, and say so). */
export function partitionsByLeader(topic: TopicMetadata, only?: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const p of topic.partitions) {
    if (only !== undefined && !only.includes(p.partitionIndex)) continue;
    const list = out.get(p.leaderId) ?? [];
    list.push(p.partitionIndex);
    out.set(p.leaderId, list);
  }
  return out;
}
