/**
 * Warm standby replicas (issue 11): how long the takeover of a unit restores its keyed state, with
 * and without a standby replica on the worker taking it over. One keyed operator ('count', one
 * ValueState entry per key) has a changelog of KEYS keys (default 200,000) over 128 key groups on
 * the embedded broker (its own process); unit 0 of parallelism 2 owns key groups 0..63 (about half
 * the keys). Each round writes a tail of TAIL changes (a checkpoint the replica has not read yet),
 * then restores unit 0 through `DurableState.recover()` into a fresh heap backend:
 *   - without: read its 64 changelog partitions from the beginning;
 *   - with: a `StandbyReplicas` that caught up before the tail hands its copy over, and the restore
 *     reads only the tail after it.
 * Rounds alternate; reported: median and range of the restore's wall time, and CPU seconds of the
 * restoring process and of the broker. Usage: `npm run bench:standby [-- --keys N --rounds R --tail T --no-write]`.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { AtLeastOnceCommitter } from '../../src/kafka/at-least-once-committer.ts';
import { ChangelogWriter } from '../../src/kafka/changelog-writer.ts';
import type { ChangelogChange } from '../../src/kafka/changelog-codec.ts';
import { CheckpointLog } from '../../src/kafka/checkpoint-log.ts';
import { readToEnd } from '../../src/kafka/read-to-end.ts';
import { DurableState } from '../../src/runtime/checkpoint/durable-state.ts';
import { StandbyReplicas } from '../../src/runtime/checkpoint/standby-replica.ts';
import type { JobVertex } from '../../src/runtime/graph/job-graph.ts';
import type { AbstractStreamOperator } from '../../src/runtime/operators/operator.ts';
import { assignToKeyGroup, computeKeyGroupRangeForOperatorIndex } from '../../src/runtime/partitioning/key-groups.ts';
import { HashMapStateBackend } from '../../src/state/heap/heap-backend.ts';
import { systemClock } from '../../src/util/clock.ts';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { supplierFor } from '../../test/kafka/helpers.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const KEYS = arg('--keys', 200_000);
const ROUNDS = arg('--rounds', 7);
const TAIL = arg('--tail', 2_000);
const write = !process.argv.includes('--no-write');
const MAX_P = 128;
const JOB = `standby-bench-${process.pid}`;
const UID = 'count';

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const loadStart = loadavg().map((x) => x.toFixed(2)).join(', ');
const { dir, cleanup } = tempDir('sluice-standby-bench-');
const broker = await spawnBrokerProcess(`${dir}/broker`);
const supplier = supplierFor(broker.bootstrap);
const vertex = { uid: UID, maxParallelism: MAX_P, parallelism: 2 } as unknown as JobVertex;
const range = computeKeyGroupRangeForOperatorIndex(MAX_P, 2, 0);

/** Subtask 0 of the operator, on a fresh heap backend: what a restore loads into. */
function freshOperator(): AbstractStreamOperator<unknown> {
  const backend = new HashMapStateBackend().createKeyedStateBackend({ operatorUid: UID, subtaskIndex: 0, clock: systemClock, trackChanges: true, maxParallelism: MAX_P, keyGroupOf: (k) => assignToKeyGroup(k, MAX_P) });
  return { uid: UID, subtaskIndex: 0, backend, keyGroupRange: () => range } as unknown as AbstractStreamOperator<unknown>;
}
/** A worker's durable state of that operator, with its own clients (as a new worker incarnation has). */
const durableState = (op: AbstractStreamOperator<unknown>, standby?: StandbyReplicas): { state: DurableState; close: () => Promise<void> } => {
  const clients = supplierFor(broker.bootstrap);
  return { state: new DurableState({ jobId: JOB, clients, clock: systemClock, operators: new Map([[vertex, [op]]]), tasks: [], standby }), close: () => clients.close() };
};

const sender = new AtLeastOnceCommitter(supplier);
const writer = new ChangelogWriter({ topic: `${JOB}-${UID}-changelog`, maxParallelism: MAX_P, keyGroupOf: (k) => assignToKeyGroup(k, MAX_P) });
let version = 0;
async function writeChanges(keys: number, from = 0): Promise<void> {
  version++;
  for (let i = 0; i < keys; i += 20_000) {
    const changes: ChangelogChange[] = [];
    for (let k = i; k < Math.min(keys, i + 20_000); k++) changes.push({ state: 'count', key: `key-${(from + k) % KEYS}`, namespace: null, value: version * 1000 + (k % 1000) });
    await writer.write(changes, sender);
  }
}

interface Sample {
  seconds: number;
  cpu: number;
  brokerCpu: number;
  records: number;
  standbyEntries: number;
}
const samples: Record<'with' | 'without', Sample[]> = { with: [], without: [] };
const catchUps: number[] = [];
let changelogRecords = 0;
try {
  const first = durableState(freshOperator());
  await first.state.recover(); // creates the internal topics
  await first.close();
  await new CheckpointLog(JOB).writeJob(sender, { keyed: { [UID]: MAX_P } });
  await writeChanges(KEYS);
  process.stderr.write(`changelog of ${fmt(KEYS)} keys written\n`);
  for (let round = 0; round < ROUNDS * 2; round++) {
    const mode = round % 2 === 0 ? 'without' : 'with';
    let replicas: StandbyReplicas | undefined;
    if (mode === 'with') {
      const t0 = performance.now();
      replicas = new StandbyReplicas({ jobId: JOB, clock: systemClock, vertices: [{ uid: UID, parallelism: 2 }] });
      replicas.attach({ bootstrapBrokers: [broker.bootstrap] });
      replicas.assign([0], [1]);
      while (!replicas.info().caughtUp.includes(0)) await new Promise((r) => setTimeout(r, 50));
      catchUps.push((performance.now() - t0) / 1000);
      replicas.assign([], [0]); // the unit becomes active here: the replica stops and waits for the restore
      await new Promise((r) => setTimeout(r, 1_000)); // its last fetch (a 500 ms long poll) ended: the tail below is not read by it
    }
    await writeChanges(TAIL, round * TAIL); // a checkpoint after the replica's last read
    const op = freshOperator();
    const { state, close } = durableState(op, replicas);
    const cpu0 = process.cpuUsage();
    const broker0 = cpuSeconds(broker.child.pid!);
    const t0 = performance.now();
    await state.recover();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const fromStandby = state.restoredFromStandby.get(UID);
    samples[mode].push({ seconds, cpu: (cpu.user + cpu.system) / 1e6, brokerCpu: cpuSeconds(broker.child.pid!) - broker0, records: fromStandby?.tailRecords ?? 0, standbyEntries: fromStandby?.standbyEntries ?? 0 });
    process.stderr.write(`round ${round} ${mode}: ${seconds.toFixed(3)} s ${JSON.stringify(samples[mode].at(-1))}\n`);
    await close();
    await replicas?.close();
  }
  // What a restore without a replica reads at the end (the tail rounds added to it).
  await readToEnd(supplier.consumer('count'), `${JOB}-${UID}-changelog`, Array.from({ length: range.size }, (_, i) => range.start + i), () => void changelogRecords++);
} finally {
  await supplier.close();
  broker.child.kill('SIGKILL');
  cleanup();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const row = (mode: 'with' | 'without', label: string): string => {
  const xs = samples[mode];
  const sec = xs.map((x) => x.seconds);
  const loaded = mode === 'with' ? median(xs.map((x) => x.standbyEntries + x.records)) : changelogRecords;
  const read = mode === 'with' ? `${fmt(median(xs.map((x) => x.standbyEntries)))} entries from the replica + ${fmt(median(xs.map((x) => x.records)))} tail records` : `its 64 partitions from the beginning (${fmt(changelogRecords)} records after the last round)`;
  const cpus = xs.map((x) => x.cpu);
  const cpu = median(cpus);
  return `| ${label} | ${median(sec).toFixed(3)} s (${Math.min(...sec).toFixed(3)}–${Math.max(...sec).toFixed(3)}) | ${cpu.toFixed(3)} (${Math.min(...cpus).toFixed(3)}–${Math.max(...cpus).toFixed(3)}); ${((cpu / loaded) * 1e6).toFixed(2)} per M entries | ${median(xs.map((x) => x.brokerCpu)).toFixed(2)} | ${read} |`;
};
const ratio = median(samples.without.map((x) => x.seconds)) / median(samples.with.map((x) => x.seconds));
const body = `
Issue 11, warm standby replicas: the restore of a unit taken over by a worker, with and without
a standby replica of it there. One keyed operator, ${fmt(KEYS)} keys in its changelog (128 key
groups); the unit restored owns key groups 0..63 (about half the keys) into a fresh heap backend
through \`DurableState.recover()\`; before each restore a checkpoint of ${fmt(TAIL)} changes lands
after the replica's last read (the tail). Embedded broker in its own process. ${ROUNDS} rounds of each,
alternating; medians with their range. ${machineLine()}; load average (\`uptime\`) at the start: ${loadStart}; at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (other helpers' work ran beside it).
Reproduce: \`npm run bench:standby -- --keys ${KEYS} --rounds ${ROUNDS} --tail ${TAIL}\`.

| takeover restore | wall time, median (range) | CPU s of the restoring process, median | CPU s, broker | what it read |
| --- | --- | --- | --- | --- |
${row('without', 'from the changelog (no standby)')}
${row('with', 'from the standby replica + tail')}

The replica's catch-up from an empty copy (not part of the takeover; it happens while the unit
runs elsewhere) took a median of ${median(catchUps).toFixed(2)} s (${Math.min(...catchUps).toFixed(2)}–${Math.max(...catchUps).toFixed(2)}).
With the replica the takeover's restore is ${ratio.toFixed(1)}× faster by median wall time and needs
${(median(samples.without.map((x) => x.cpu)) / median(samples.with.map((x) => x.cpu))).toFixed(1)}× less CPU (medians; on this loaded machine the ranges of single rounds can overlap). What remains with a
replica is building the operator's snapshot from its entries and loading it into the backend (a
changelog restore does that too) and the restore's fixed steps (checking the internal topics,
reading the checkpoint log); fetching and decoding the changelog is what the replica saves. The
broker here is on the same machine: with a remote Kafka the changelog read costs more.
`;
process.stdout.write(body);
if (write) writeBenchmarkSection('Standby replicas: takeover restore', body);
