import { KafkaSource } from '../connectors/kafka/kafka-source.ts';
import type { KafkaSourceOptions } from '../connectors/kafka/source-config.ts';
import { fromKafkaJson } from './json-format.ts';
import type { NexmarkEvent } from './model.ts';

/**
 * A KafkaSource of Nexmark's JSON rows (as `sluice nexmark generate` or Flink's Nexmark setup
 * writes them), parsed into events. Use with `nexmarkWatermarks()`.
 *
 * @example
 * ```ts
 * const events = env.fromSource(
 *   nexmarkKafkaSource({ bootstrapServers: 'localhost:9092', topics: ['nexmark'], groupId: 'q5' }),
 *   nexmarkWatermarks(), 'nexmark');
 * ```
 */
export function nexmarkKafkaSource(options: Omit<KafkaSourceOptions<NexmarkEvent>, 'deserializer'>): KafkaSource<NexmarkEvent> {
  return new KafkaSource<NexmarkEvent>({ ...options, deserializer: (bytes) => fromKafkaJson(bytes ?? '') });
}
