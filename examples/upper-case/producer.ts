/**
 * The producer of the tutorial pipeline: writes `message 0` … `message N-1` to `test`
 * (creating `test` and `output` if they do not exist yet).
 *   node examples/upper-case/producer.ts [N]
 * A plain Kafka client (@platformatic/kafka): Sluice jobs read what any client writes.
 */
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const count = Number(process.argv[2] ?? 10);

const admin = new Admin({ clientId: 'example-admin', bootstrapBrokers: [bootstrap] });
const existing = new Set(await admin.listTopics());
const missing = ['test', 'output'].filter((t) => !existing.has(t));
if (missing.length > 0) await admin.createTopics({ topics: missing, partitions: 1, replicas: 1 });
await admin.close();

const producer = new Producer({ clientId: 'example-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
await producer.send({ messages: Array.from({ length: count }, (_, i) => ({ topic: 'test', value: `message ${i}` })) });
await producer.close();
console.log(`produced ${count} messages to test`);
