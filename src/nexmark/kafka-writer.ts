import type { NexmarkGenerator } from './generator.ts';
import { toKafkaJson } from './json-format.ts';

/** What the writer needs of a Kafka producer (@platformatic/kafka's `Producer<Buffer, Buffer, ...>`). */
export interface EventProducer {
  send(request: { messages: Array<{ topic: string; value: Buffer }>; acks?: number }): Promise<unknown>;
}

export interface WriteOptions {
  topic: string;
  /** First event number (default 0) and how many events (default: until stopped). */
  first?: number;
  events?: number;
  /** Events per second of wall-clock time (default: as fast as the producer goes). */
  ratePerSecond?: number;
  acks?: number;
  /** Records per produce request (default 2000) and requests in flight (default 8). */
  batchSize?: number;
  maxInFlight?: number;
  /** Set `stopped` to stop after the current batch (Ctrl-C). */
  stop?: { stopped: boolean };
  /** Called after each acknowledged batch with the total acknowledged so far. */
  onProgress?: (written: number) => void;
}

/** Pacing step of rate-limited writing: an event is sent at most this long after it is due. */
const TICK_MS = 5;

/**
 * Writes generator events `first, first + 1, ...` to a topic as Nexmark JSON rows without keys
 * (the producer spreads them round-robin over the partitions, like Nexmark's Kafka sink), in
 * batches with a few requests in flight; paced to `ratePerSecond` when given. Resolves with the
 * number of events acknowledged; rejects on the first failed request.
 */
export async function writeNexmarkEvents(producer: EventProducer, generator: NexmarkGenerator, o: WriteOptions): Promise<number> {
  const first = o.first ?? 0;
  const end = o.events === undefined ? Number.POSITIVE_INFINITY : first + o.events;
  const batchSize = o.batchSize ?? 2000;
  const maxInFlight = o.maxInFlight ?? 8;
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;
  let written = 0;
  let next = first;
  const started = performance.now();

  const send = (count: number): void => {
    const messages = new Array<{ topic: string; value: Buffer }>(count);
    for (let i = 0; i < count; i++) messages[i] = { topic: o.topic, value: Buffer.from(toKafkaJson(generator.event(next + i))) };
    next += count;
    const p: Promise<unknown> = producer.send({ messages, acks: o.acks }).then(
      () => {
        written += count;
        o.onProgress?.(written);
      },
      (e: unknown) => void (failure ??= e),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  while (next < end && failure === undefined && !o.stop?.stopped) {
    let count = Math.min(batchSize, end - next);
    if (o.ratePerSecond !== undefined) {
      const due = first + Math.floor(((performance.now() - started) * o.ratePerSecond) / 1000);
      count = Math.min(count, due - next);
      if (count <= 0) {
        await new Promise((r) => setTimeout(r, TICK_MS));
        continue;
      }
    }
    send(count);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return written;
}
