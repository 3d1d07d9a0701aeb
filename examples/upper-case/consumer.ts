/**
 * The consumer of the tutorial pipeline: prints what arrives on `output`, from the beginning.
 *   node examples/upper-case/consumer.ts [MAX_MESSAGES]
 * A plain Kafka client (@platformatic/kafka); it exits after MAX_MESSAGES if given.
 */
import { Consumer, stringDeserializers } from '@platformatic/kafka';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const max = process.argv[2] === undefined ? Number.POSITIVE_INFINITY : Number(process.argv[2]);

const consumer = new Consumer({ clientId: 'example-consumer', groupId: `example-consumer-${process.pid}`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
const stream = await consumer.consume({ topics: ['output'], mode: 'earliest', maxWaitTime: 200 });
let n = 0;
for await (const message of stream) {
  console.log(message.value);
  if (++n >= max) break;
}
await stream.close();
await consumer.close(true);
