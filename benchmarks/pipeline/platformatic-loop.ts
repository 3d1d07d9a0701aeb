/**
 * The hand-written @platformatic/kafka contender: consume, upper-case, produce. Messages read in a
 * burst go out in one request (sent on the next turn of the event loop or at 10,000 messages), with
 * up to 5 requests in flight (the stream pauses beyond). Usage: node platformatic-loop.ts BOOTSTRAP INPUT OUTPUT GROUP
 */
import { Consumer, Producer, stringDeserializers, stringSerializers, type MessageToProduce } from '@platformatic/kafka';

const [bootstrap, input, output, groupId] = process.argv.slice(2) as [string, string, string, string];
const consumer = new Consumer({ clientId: 'bench-loop', groupId, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
const producer = new Producer({ clientId: 'bench-loop', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: -1 });
const stream = await consumer.consume({ topics: [input], mode: 'earliest', maxWaitTime: 500 });

let batch: MessageToProduce<string, string, string, string>[] = [];
let scheduled = false;
let inFlight = 0;
const send = (): void => {
  scheduled = false;
  if (batch.length === 0) return;
  const messages = batch;
  batch = [];
  inFlight++;
  if (inFlight >= 5) stream.pause();
  producer.send({ messages }).then(
    () => {
      if (--inFlight < 5 && stream.isPaused()) stream.resume();
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
stream.on('data', (m) => {
  batch.push({ topic: output, key: m.key, value: String(m.value).toUpperCase() });
  if (batch.length >= 10_000) send();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(send);
  }
});
