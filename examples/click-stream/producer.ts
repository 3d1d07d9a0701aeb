/**
 * Writes a JSON click-stream to `clicks` (3 partitions, keyed by user), creating `clicks` and
 * `clicks-per-user` if they do not exist yet.
 *   npm exec -- node examples/click-stream/producer.ts [FROM_SECOND] [SECONDS]
 * One click per second of event time from FROM_SECOND (default 0) for SECONDS (default 60),
 * users user-0 … user-4 in turn; `ts` counts from 2026-01-01T00:00:00Z. Produce a later range
 * (e.g. `120 10`) to move event time on: the windows before it close.
 */
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const from = Number(process.argv[2] ?? 0);
const seconds = Number(process.argv[3] ?? 60);
const EPOCH = Date.UTC(2026, 0, 1);

const admin = new Admin({ clientId: 'example-admin', bootstrapBrokers: [bootstrap] });
const existing = new Set(await admin.listTopics());
if (!existing.has('clicks')) await admin.createTopics({ topics: ['clicks'], partitions: 3, replicas: 1 });
if (!existing.has('clicks-per-user')) await admin.createTopics({ topics: ['clicks-per-user'], partitions: 3, replicas: 1 });
await admin.close();

const pages = ['/', '/pricing', '/docs', '/blog'];
const producer = new Producer({ clientId: 'example-clicks', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
const messages = Array.from({ length: seconds }, (_, i) => {
  const s = from + i;
  const user = `user-${s % 5}`;
  return { topic: 'clicks', key: user, value: JSON.stringify({ user, page: pages[s % pages.length], ts: EPOCH + s * 1000 }) };
});
await producer.send({ messages });
await producer.close();
console.log(`produced ${seconds} clicks (seconds ${from}..${from + seconds - 1}) to clicks`);
