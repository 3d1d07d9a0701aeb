/**
 * The producer of the tutorial pipeline: writes `message 0` … `message N-1` to `test` (or
 * `TEXT 0` … with a second argument). Like Kafka's producers it asks the cluster to create `test`
 * if it does not exist.
 *   npm exec -- node examples/upper-case/producer.ts [N] [TEXT]
 * A plain Kafka client (@platformatic/kafka): Sluice jobs read what any client writes.
 */
import { Producer, stringSerializers } from '@platformatic/kafka';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const count = Number(process.argv[2] ?? 10);
const text = process.argv[3] ?? 'message';

const producer = new Producer({ clientId: 'example-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers, autocreateTopics: true });
try {
  await producer.send({ messages: Array.from({ length: count }, (_, i) => ({ topic: 'test', value: `${text} ${i}` })) });
  console.log(`produced ${count} messages to test`);
} catch (err) {
  console.error(`producer: cannot write to test at ${bootstrap}: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await producer.close();
}
