/**
 * The consumer of the tutorial pipeline: prints what arrives on `output`, from the beginning.
 *   npm exec -- node examples/upper-case/consumer.ts [MAX_MESSAGES]
 * A plain Kafka client (@platformatic/kafka); it exits after MAX_MESSAGES if given, and waits for
 * `output` if it does not exist yet.
 */
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { consumeWhenReady } from '../shared/consume-when-ready.ts';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const max = process.argv[2] === undefined ? Number.POSITIVE_INFINITY : Number(process.argv[2]);

const consumer = new Consumer({
  clientId: 'example-consumer',
  groupId: `example-consumer-${process.pid}`,
  bootstrapBrokers: [bootstrap],
  deserializers: stringDeserializers,
  autocreateTopics: true,
});
const stream = await consumeWhenReady(consumer, 'output');
let n = 0;
for await (const message of stream) {
  console.log(message.value);
  if (++n >= max) break;
}
await stream.close();
await consumer.close(true);
