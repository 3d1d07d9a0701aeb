/**
 * Starts reading a topic from its beginning; while the topic does not exist (a cluster that does not
 * create topics on demand), says so once on stderr and waits. Any other failure is one line on
 * stderr and exit status 1, not a stack trace.
 */
import type { Consumer, MessagesStream } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';

export async function consumeWhenReady<K, V, HK, HV>(consumer: Consumer<K, V, HK, HV>, topic: string): Promise<MessagesStream<K, V, HK, HV>> {
  let told = false;
  for (;;) {
    try {
      return await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 200 });
    } catch (err) {
      const message = (err as Error).message;
      if (!/unknown topic/i.test(message)) {
        console.error(`consumer: cannot read ${topic}: ${message}`);
        await consumer.close(true).catch(() => {});
        process.exit(1);
      }
      if (!told) console.error(`consumer: waiting for topic ${topic} to be created…`);
      told = true;
      await sleep(1000);
    }
  }
}
