import type { Admin, BaseOptions, Consumer, MessageToProduce, Producer } from '@platformatic/kafka';

/**
 * How to reach a Kafka cluster: bootstrap brokers, TLS, SASL and client timeouts (already resolved
 * from Kafka-style properties). Two connections with the same bootstrap servers and security
 * settings name the same cluster.
 */
export type KafkaConnection = Omit<BaseOptions, 'clientId'> & { clientId?: string };

/** The byte-level producer a worker shares among everything that writes to one cluster. */
export type BytesProducer = Producer<Buffer, Buffer, Buffer, Buffer>;
/** A byte-level consumer. */
export type BytesConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** Settings of a consumer besides its connection (group timings, its own client id). */
export interface ConsumerSettings {
  readonly clientId?: string;
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly rebalanceTimeout?: number;
}

/**
 * The Kafka clients of one worker for one cluster (Kafka Streams' `KafkaClientSupplier`): one
 * producer that every sink writer, dead-letter writer and (with exactly-once) changelog writer of
 * the worker shares, consumers on demand, one admin client. The worker owns and closes them: a
 * connector never closes what it got here (it `release`s its consumers).
 */
export interface KafkaClients {
  /** The worker's producer for this cluster (idempotent; transactional under exactly-once). */
  producer(): BytesProducer;
  /** A new consumer (closed with the worker unless released earlier); `groupId` matters only for group operations. */
  consumer(purpose: string, groupId?: string, settings?: ConsumerSettings): BytesConsumer;
  /** The admin client. */
  admin(): Admin;
  /** Forgets a consumer the caller closed itself. */
  release(consumer: BytesConsumer): void;
}

/**
 * What a worker hands its sources and sinks (`SourceReaderContext.kafka`, `SinkInitContext.kafka`):
 * its clients, grouped by cluster. Readers and writers of one cluster get the same clients.
 */
export interface KafkaClientProvider {
  /** The worker's clients of the cluster `connection` points at. */
  clients(connection: KafkaConnection): KafkaClients;
  /**
   * In an exactly-once job: the worker's checkpoint transaction on that cluster. Records sent
   * here are part of the next checkpoint's transaction (visible when it commits); `send`
   * resolves when Kafka acknowledged them. Undefined in other jobs.
   */
  transaction?(connection: KafkaConnection): TransactionalSender | undefined;
}

/** Sends records inside the worker's open checkpoint transaction. */
export interface TransactionalSender {
  send(records: Array<MessageToProduce<Buffer, Buffer, Buffer, Buffer>>): Promise<void>;
  /**
   * For writers that send their own Produce requests (repartition topics): adds `partitions` to
   * the open transaction (AddPartitionsToTxn for those new in it), then runs `write` with the
   * producer identity to write them with. A commit or abort waits for `write` to settle; its
   * failure fails the transaction (abort only) and comes back as the committer's typed error.
   */
  /**
   * How many transactions were aborted so far: records a writer buffered before an abort belong
   * to the aborted attempt (the job restarts from its last checkpoint) and must not join a later
   * transaction.
   */
  readonly abortedTransactions?: number;
  writeInTransaction?<T>(partitions: ReadonlyArray<TopicPartition>, write: (producer: TransactionalProducerIdentity) => Promise<T>): Promise<T>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What a transactional Produce carries: the transactional id and the producer id and epoch. */
export interface TransactionalProducerIdentity {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** A source position to commit: the next offset to read (Kafka's committed-offset meaning). */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Leader epoch of the last record consumed, if known (-1 otherwise). */
  readonly leaderEpoch?: number;
}

/**
 * The consumer group metadata offsets are committed with (Java's `ConsumerGroupMetadata`). With a
 * generation and member id, Kafka refuses the commit of a member the group has moved past
 * (KIP-447); generation -1 with an empty member id is a "simple" commit, accepted while the group
 * has no members.
 */
export interface GroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}
