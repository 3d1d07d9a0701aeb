import { createTopic, deleteTopic, endOffsetTotal, kcatConsume, kcatProduce, platformaticConsume, platformaticProduce, timed } from './clients.ts';

/** What one benchmark run shares: the message count and size, the kcat input file, the payload. */
export interface Workload {
  messages: number;
  size: number;
  partitions: number;
  /** One message per line, for kcat. */
  file: string;
  payload: Buffer;
}

let topics = 0;

/** Produces the workload to a fresh topic with one client, reads it back, deletes the topic; returns [produce s, consume s]. */
export async function produceConsume(bootstrap: string, client: 'kcat' | 'platformatic', w: Workload, between?: () => void): Promise<[number, number]> {
  const topic = `bench-${client}-${++topics}`;
  await createTopic(bootstrap, topic, w.partitions);
  const produce = await timed(() => (client === 'kcat' ? kcatProduce(bootstrap, topic, w.file) : platformaticProduce(bootstrap, topic, w.messages, w.payload)));
  const total = await endOffsetTotal(bootstrap, topic);
  if (total !== w.messages) throw new Error(`${topic} holds ${total} messages, expected ${w.messages}`);
  between?.();
  const consume = await timed(() => (client === 'kcat' ? kcatConsume(bootstrap, topic, w.messages) : platformaticConsume(bootstrap, topic, w.messages)));
  await deleteTopic(bootstrap, topic);
  return [produce, consume];
}
