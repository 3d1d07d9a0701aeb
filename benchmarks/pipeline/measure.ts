import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

/** A contender: a program that consumes INPUT, upper-cases, produces OUTPUT until killed. */
export interface Contender {
  name: string;
  file: string;
  /** Extra environment of its process (e.g. SLUICE_METRICS=off). */
  env?: Record<string, string>;
}

export function startContender(c: Contender, bootstrap: string, input: string, output: string, group: string): ChildProcess {
  const file = fileURLToPath(new URL(c.file, import.meta.url));
  const child = spawn(process.execPath, ['--no-warnings', file, bootstrap, input, output, group], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...c.env } });
  return child;
}
export async function stopContender(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/**
 * User + system CPU seconds a live process has used so far (Linux /proc; clock ticks of 1/100 s),
 * NaN where /proc is not there.
 */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Writes `count` messages `message <i>` to `topic` as fast as the client goes. */
export async function fill(bootstrap: string, topic: string, count: number): Promise<void> {
  const producer = new Producer({ clientId: 'bench-fill', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i += 5000) {
    const messages = Array.from({ length: Math.min(5000, count - i) }, (_, j) => ({ topic, value: `message ${i + j}` }));
    const p: Promise<unknown> = producer.send({ messages }).then(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await producer.close();
}

/** Sum of the end offsets of a topic. */
export async function endOffsets(consumer: Consumer, topic: string): Promise<number> {
  const offs = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
  return offs.reduce((n, o) => n + Number(o), 0);
}

/**
 * Throughput of one contender over the `count` messages of `input`: from its first output record
 * to its last (so process start-up is left out), by polling the end offsets of `output`.
 * `cpuSeconds` is the process's CPU until the last record, start-up included; `steady` the CPU
 * between the first output seen and the last, with the messages output in between (and per million).
 */
export async function throughput(
  c: Contender,
  bootstrap: string,
  input: string,
  output: string,
  count: number,
): Promise<{ rate: number; seconds: number; cpuSeconds: number; steady: { cpuSeconds: number; messages: number }; steadyCpuPerMillion: number }> {
  const probe = new Consumer({ clientId: 'bench-probe', groupId: 'bench-probe', bootstrapBrokers: [bootstrap] });
  const child = startContender(c, bootstrap, input, output, `tp-${output}`);
  try {
    let first: { t: number; n: number; cpu: number } | undefined;
    const deadline = performance.now() + 600_000;
    for (;;) {
      const n = await endOffsets(probe, output);
      const t = performance.now();
      if (first === undefined && n > 0) first = { t, n, cpu: processCpuSeconds(child.pid!) };
      if (n >= count) {
        const seconds = (t - first!.t) / 1000;
        const cpuSeconds = processCpuSeconds(child.pid!);
        // CPU from the first output record to the last: start-up left out, as in `rate`.
        const steady = { cpuSeconds: cpuSeconds - first!.cpu, messages: count - first!.n };
        return { rate: steady.messages / seconds, seconds, cpuSeconds, steady, steadyCpuPerMillion: (steady.cpuSeconds / steady.messages) * 1e6 };
      }
      if (child.exitCode !== null) throw new Error(`${c.name} exited with ${child.exitCode}`);
      if (t > deadline) throw new Error(`${c.name}: only ${n} of ${count} after 10 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await stopContender(child);
    await probe.close();
  }
}

/**
 * End-to-end latency at a fixed rate: a producer writes `rate` messages/s for `seconds` (a batch
 * every 10 ms) carrying their send time, a consumer of the output computes receive - send.
 */
export async function latency(c: Contender, bootstrap: string, input: string, output: string, rate: number, seconds: number): Promise<{ p50: number; p99: number; max: number; received: number }> {
  const child = startContender(c, bootstrap, input, output, `lat-${output}`);
  const reader = new Consumer({ clientId: 'bench-lat-reader', groupId: `lat-reader-${output}`, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
  const producer = new Producer({ clientId: 'bench-lat', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: 1 });
  const stream = await reader.consume({ topics: [output], mode: 'earliest', maxWaitTime: 5 });
  const samples: number[] = [];
  let warm = 0;
  stream.on('data', (m) => {
    const now = performance.now();
    const [, kind, sent] = String(m.value).split(' ');
    if (kind === 'WARM') warm++;
    else samples.push(now - Number(sent));
  });
  try {
    // Wait until the contender runs end to end.
    for (let i = 0; warm === 0; i++) {
      if (i > 600) throw new Error(`${c.name} did not start`);
      await producer.send({ messages: [{ topic: input, value: 'message warm 0' }] });
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const perTick = Math.round(rate / 100);
    const ticks = seconds * 100;
    const sends: Promise<unknown>[] = [];
    const start = performance.now();
    for (let tick = 0; tick < ticks; tick++) {
      const due = start + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      sends.push(producer.send({ messages: Array.from({ length: perTick }, (_, i) => ({ topic: input, value: `message ${tick * perTick + i} ${t}` })) }));
    }
    await Promise.all(sends);
    const expected = perTick * ticks;
    const until = performance.now() + 15_000;
    while (samples.length < expected && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    const sorted = [...samples].sort((a, b) => a - b);
    const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
    return { p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] ?? Number.NaN, received: samples.length };
  } finally {
    await stopContender(child);
    await stream.close();
    await Promise.all([reader.close(true), producer.close()]);
  }
}
