import type { Source } from '../../../core/source.ts';
import { registerRepartitionExchange, type RepartitionExchange, type RepartitionTopic } from '../../../runtime/graph/repartition.ts';
import { PORTABLE_SERDE } from './exchange-records.ts';
import { broadcastReaderStatesAt, combineRepartitionReaderStates } from './reader-state-rescale.ts';
import { RepartitionReader, type RepartitionReaderState } from './repartition-reader.ts';
import { RepartitionWriter } from './repartition-writer.ts';

/** The source that reads a repartition topic back (one reader per receiving subtask). */
function repartitionSource(topic: RepartitionTopic): Source<unknown> {
  return {
    getBoundedness: () => topic.boundedness,
    providesTimestamps: true,
    kafkaConnection: () => topic.connection(),
    createReader: (ctx, restored) => new RepartitionReader(topic, topic.serde ?? PORTABLE_SERDE, ctx, restored as RepartitionReaderState | undefined),
    // A savepoint restored at another parallelism (reader-state-rescale.ts).
    ...(topic.broadcast ? { readerStatesAt: broadcastReaderStatesAt } : { combineReaderStates: combineRepartitionReaderStates }),
  };
}

/** Exchanges through Kafka repartition topics (distributed mode). */
export const KAFKA_REPARTITION_EXCHANGE: RepartitionExchange = {
  writer: (write) => () => new RepartitionWriter(write, write.partitioning.serde ?? PORTABLE_SERDE),
  source: repartitionSource,
};

registerRepartitionExchange(KAFKA_REPARTITION_EXCHANGE);
