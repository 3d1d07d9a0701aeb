/**
 * The consumer of the classic PyFlink + Kafka tutorial (a kafka-python KafkaConsumer), translated
 * line by line with @platformatic/kafka: prints every value written to `output`.
 *   npm exec -- node examples/pyflink-tutorial/consumer.ts [MAX_MESSAGES]     (Ctrl-C stops it)
 * It reads from the beginning (kafka-python's default is the end), so the order in which the three
 * programs start does not matter; a topic that does not exist yet is waited for.
 */
// from kafka import KafkaConsumer
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { consumeWhenReady } from '../shared/consume-when-ready.ts';

const max = process.argv[2] === undefined ? Number.POSITIVE_INFINITY : Number(process.argv[2]);

// consumer = KafkaConsumer('output', bootstrap_servers='localhost:9092')
const consumer = new Consumer({
  clientId: 'tutorial-consumer',
  groupId: `tutorial-consumer-${process.pid}`,
  bootstrapBrokers: [process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092'],
  deserializers: stringDeserializers,
  autocreateTopics: true,
});
const stream = await consumeWhenReady(consumer, 'output');
let n = 0;
// for message in consumer:
//     print(message.value.decode('utf-8'))
for await (const message of stream) {
  console.log(message.value);
  if (++n >= max) break;
}
await stream.close();
await consumer.close(true);
