/**
 * The kafkajs contender, as most kafkajs consume-transform-produce code is written: `eachBatch`,
 * transform the batch, one `producer.send` per batch, awaited. Usage: node kafkajs-loop.ts BOOTSTRAP INPUT OUTPUT GROUP
 */
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, input, output, groupId] = process.argv.slice(2) as [string, string, string, string];
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
const producer = kafka.producer();
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: input, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    await producer.send({ topic: output, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: String(m.value).toUpperCase() })) });
  },
});
