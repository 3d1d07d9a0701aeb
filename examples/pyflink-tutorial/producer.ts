/**
 * The producer of the classic PyFlink + Kafka tutorial (a kafka-python KafkaProducer), translated
 * line by line with @platformatic/kafka: writes `message 0` … `message N-1` to `test`.
 *   npm exec -- node examples/pyflink-tutorial/producer.ts [N]      (default 10)
 * Like Kafka's producers it asks the cluster to create `test` if it does not exist.
 */
// from kafka import KafkaProducer
import { Producer, stringSerializers } from '@platformatic/kafka';

const count = Number(process.argv[2] ?? 10);

// producer = KafkaProducer(bootstrap_servers='localhost:9092')
const producer = new Producer({
  clientId: 'tutorial-producer',
  bootstrapBrokers: [process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092'],
  serializers: stringSerializers,
  autocreateTopics: true,
});
try {
  // for i in range(10):
  //     producer.send('test', f'message {i}'.encode('utf-8'))
  // producer.flush()
  await producer.send({ messages: Array.from({ length: count }, (_, i) => ({ topic: 'test', value: `message ${i}` })) });
  console.log(`sent ${count} messages to test`);
} catch (err) {
  console.error(`producer: cannot write to test: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await producer.close();
}
