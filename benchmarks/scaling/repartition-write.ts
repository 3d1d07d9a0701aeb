/**
 * The write side of a repartition topic alone: CPU-seconds per million records to write keyed
 * records (16 partitions, 1000 keys, a small portable-encoded value, the `sluice.t` header) into a
 * topic of an embedded broker in its own process, acks=-1, idempotent, in flushes of 1024 records
 * with at most 8 unacknowledged — the repartition writer's pattern — by:
 * - `library`: the writer as it was before the codec path: per record a message object with a Map
 *   of headers and a BigInt timestamp, sent with @platformatic/kafka's producer (`send`);
 * - `codec`: RepartitionProducer, records appended straight into one RecordBatch per partition,
 *   sent with Sluice's Produce codec on the same producer's connection.
 * Values, keys and partitions are computed before the clock starts (both paths share that work).
 * CPU: this process (user + system, all threads) and the broker process (/proc), per million
 * records; rounds alternate the order; medians with ranges.
 * Usage: `node benchmarks/scaling/repartition-write.ts [--records 200000] [--rounds 7]`.
 */
import { Admin } from '@platformatic/kafka';
import { join } from 'node:path';
import { ClientSupplier } from '../../src/kafka/client-supplier.ts';
import { kafkaClientLibrary } from '../../src/kafka/client-library.ts';
import { keyBytes, keyGroupOfBytes } from '../../src/kafka/key-groups.ts';
import { encodePortable } from '../../src/kafka/portable-codec.ts';
import { encodeTime, HEADER_TIMESTAMP } from '../../src/connectors/kafka/repartition/exchange-records.ts';
import { RepartitionProducer } from '../../src/connectors/kafka/repartition/repartition-producer.ts';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { machineLine, median } from '../bench-report.ts';
import { processCpuSeconds } from './thread-cpu.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const RECORDS = Number(arg('--records', '200000'));
const ROUNDS = Number(arg('--rounds', '7'));
const PARTITIONS = 16;
const KEYS = 1000;
const FLUSH_EVERY = 1024;
const MAX_IN_FLIGHT = 8;

const keys = Array.from({ length: KEYS }, (_, k) => Buffer.from(keyBytes(`k${k}`)));
const partitions = keys.map((k) => keyGroupOfBytes(k, PARTITIONS));
const values = Array.from({ length: RECORDS }, (_, i) => encodePortable({ key: `k${i % KEYS}`, n: 1_000_000 + i }));

type Contender = 'library' | 'codec';

async function write(contender: Contender, bootstrap: string, topic: string): Promise<void> {
  const clients = new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap] }, clientId: `bench-${contender}`, producer: { kind: 'idempotent' } });
  const producer = clients.producer();
  await producer.initIdempotentProducer({});
  const inFlight = new Set<Promise<unknown>>();
  const track = async (p: Promise<unknown>): Promise<void> => {
    const tracked: Promise<unknown> = p.then(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  };
  const now = Date.now();
  if (contender === 'library') {
    let batch: Parameters<typeof producer.send>[0]['messages'] = [];
    for (let i = 0; i < RECORDS; i++) {
      const k = i % KEYS;
      const headers = new Map<Buffer, Buffer>([[HEADER_TIMESTAMP, encodeTime(i)]]);
      batch.push({ topic, partition: partitions[k]!, key: keys[k]!, value: values[i]!, headers, timestamp: BigInt(now) });
      if (batch.length >= FLUSH_EVERY) {
        await track(producer.send({ messages: batch, acks: -1 }));
        batch = [];
      }
    }
    if (batch.length > 0) await track(producer.send({ messages: batch, acks: -1 }));
  } else {
    const out = RepartitionProducer.of(kafkaClientLibrary(), producer, undefined);
    for (let i = 0; i < RECORDS; i++) {
      const k = i % KEYS;
      out.appendData(topic, partitions[k]!, now, keys[k]!, values[i]!, i);
      if ((i + 1) % FLUSH_EVERY === 0) await track(out.flush());
    }
    await track(out.flush());
  }
  await Promise.all(inFlight);
  await clients.close();
}

async function main(): Promise<void> {
  const { dir, cleanup } = tempDir('sluice-bench-rw-');
  const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
  const admin = new Admin({ clientId: 'bench-rw-admin', bootstrapBrokers: [bootstrap] });
  const cpu: Record<Contender, { job: number[]; broker: number[]; wall: number[] }> = { library: { job: [], broker: [], wall: [] }, codec: { job: [], broker: [], wall: [] } };
  try {
    for (let round = 0; round < ROUNDS + 1; round++) {
      const order: Contender[] = round % 2 === 0 ? ['library', 'codec'] : ['codec', 'library'];
      for (const contender of order) {
        const topic = `rw-${round}-${contender}`;
        await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
        const job0 = process.cpuUsage();
        const broker0 = processCpuSeconds(child.pid!);
        const t0 = performance.now();
        await write(contender, bootstrap, topic);
        const wall = (performance.now() - t0) / 1000;
        const job = process.cpuUsage(job0);
        const broker = processCpuSeconds(child.pid!) - broker0;
        if (round === 0) continue; // warm-up round (JIT, broker caches)
        const perM = 1e6 / RECORDS;
        cpu[contender].job.push(((job.user + job.system) / 1e6) * perM);
        cpu[contender].broker.push(broker * perM);
        cpu[contender].wall.push(RECORDS / wall);
      }
    }
  } finally {
    await admin.close();
    child.kill('SIGKILL');
    cleanup();
  }
  const show = (xs: number[], digits = 1): string => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  console.log(`Machine: ${machineLine()}. ${RECORDS} records x ${ROUNDS} rounds (+1 warm-up), ${PARTITIONS} partitions, flushes of ${FLUSH_EVERY}, ${MAX_IN_FLIGHT} in flight, acks=-1, idempotent.`);
  console.log('| write path | writer CPU-s per M records | broker CPU-s per M records | records/s (wall) |');
  console.log('|---|---|---|---|');
  for (const c of ['library', 'codec'] as const) console.log(`| ${c} | ${show(cpu[c].job)} | ${show(cpu[c].broker)} | ${show(cpu[c].wall, 0)} |`);
}

await main();
