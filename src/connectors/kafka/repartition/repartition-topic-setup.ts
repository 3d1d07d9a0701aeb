import type { KafkaClients } from '../../../core/kafka-clients.ts';
import { ClientSupplier } from '../../../kafka/client-supplier.ts';
import { InternalTopics } from '../../../kafka/internal-topics.ts';
import type { RepartitionTopic } from '../../../runtime/graph/repartition.ts';

const ensured = new WeakMap<ClientSupplier, Map<string, Promise<unknown>>>();

/**
 * Creates the repartition topic, or checks the one that exists (partition count = the receiving
 * operator's max parallelism, else `SLUICE_INTERNAL_TOPIC_MISMATCH`). `retention.ms=-1`: records
 * leave by DeleteRecords once consumed and committed (as Kafka Streams does), never by age — the
 * record timestamps are not what bounds them. Once per worker and topic.
 */
export function ensureRepartitionTopic(clients: KafkaClients, topic: RepartitionTopic): Promise<unknown> {
  if (!(clients instanceof ClientSupplier)) throw new TypeError('repartition topics need the worker clients of a Sluice worker');
  const byTopic = ensured.get(clients) ?? ensured.set(clients, new Map()).get(clients)!;
  let done = byTopic.get(topic.topic);
  if (done === undefined) {
    done = new InternalTopics(clients.wire('admin')).ensure([
      {
        name: topic.topic,
        partitions: topic.partitions,
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
        checkedConfigs: ['cleanup.policy'],
        partitionsAdvice:
          'The partitions of a repartition topic are the key groups of the receiving operator (its max parallelism), which cannot change; ' +
          `delete the topic (sluice topics delete ${topic.topic}) only when no run of the job still needs what it holds, or give the run another job id.`,
      },
    ]);
    byTopic.set(topic.topic, done);
    done.catch(() => byTopic.delete(topic.topic));
  }
  return done;
}
