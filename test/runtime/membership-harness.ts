/**
 * Dynamic membership (issue 11, "What it must show" 2): the keyed job of `fixtures/count-job.ts`
 * runs distributed (exchanges through Kafka, parallelism 3) while its input is written in four
 * segments; one worker process starts, two more join the running job (`sluice run` again with the
 * same job id), one of them is killed with SIGKILL, another stopped with SIGTERM. Each change of
 * membership is a rebalance of the job group. At the end the outputs are read to their end
 * (read_committed) and compared with the reference; the workers' logs give each rebalance's pause.
 */
import { writeFileSync } from 'node:fs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { createTopics, eventually, kill, spawnSluice, type Child } from '../connectors/kafka-helpers.ts';
import { endMarkers, makeInput, PARTITIONS, readOutputs, seeded, type CrashRunResult } from './crash-harness.ts';

export interface MembershipRunOptions {
  bootstrap: string;
  name: string;
  records: number;
  keys: number;
  seed: number;
  stateDir: string;
  exactlyOnce: boolean;
  sessionTimeoutMs: number;
  /** State backend; with 'lmdb' each worker keeps its local copies in a directory of its own. */
  backend?: 'heap' | 'lmdb';
  log: (line: string) => void;
}

export interface MembershipRunResult extends CrashRunResult {
  /** Pauses (revocation → tasks running again) that the workers logged, per step of the scenario. */
  pauses: Array<{ step: string; worker: number; pauseMs: number }>;
  /** Per step, wall time from the membership change (start, SIGKILL, SIGTERM) until every live worker runs its new tasks. */
  settledMs: Array<{ step: string; ms: number }>;
  /** The units each live worker ran with three workers. */
  threeWorkerUnits: number[][];
  /** Per worker, how often it restored a keyed operator from its local copy (LMDB) instead of the changelog. */
  localRestores: number[];
  /**
   * Per step, the subtasks of the count operator that a worker already running before the step
   * opened again during it without the group adding that unit to it (a kept unit that restarted).
   */
  reopenedKept: Array<{ step: string; worker: number; subtask: number }>;
  /** Per step, the subtasks each worker running before the step opened during it (kept or added). */
  opened: Array<{ step: string; worker: number; subtasks: number[] }>;
}

/** The log lines of a worker (JSON on stderr) with `msg` starting with `prefix`. */
function logged(child: Child, prefix: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of child.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o.msg === 'string' && o.msg.startsWith(prefix)) out.push(o);
    } catch {
      // not a log line
    }
  }
  return out;
}

const ASSIGNED = 'job group: tasks assigned';
const RUNNING = 'job group: this worker runs its tasks';

export async function membershipRun(o: MembershipRunOptions): Promise<MembershipRunResult> {
  const rand = seeded(o.seed);
  const topics = { input: `${o.name}-in`, counts: `${o.name}-counts`, windows: `${o.name}-windows` };
  await createTopics(o.bootstrap, { [topics.input]: PARTITIONS, [topics.counts]: PARTITIONS, [topics.windows]: PARTITIONS });
  const { input, expectedCounts, expectedWindows } = makeInput(o.records, o.keys, rand);
  const env: Record<string, string> = {
    SLUICE_BOOTSTRAP: o.bootstrap,
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_EXCHANGES: 'kafka',
    SLUICE_PARALLELISM: '3',
    SLUICE_GROUP_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs),
    INPUT: topics.input,
    COUNTS: topics.counts,
    WINDOWS: topics.windows,
    GROUP: o.name,
    JOB_ID: o.name,
    CHECKPOINT_MS: '200',
    STATE_BACKEND: o.backend ?? 'heap',
    SLUICE_STATE_DIR: `${o.stateDir}/workers`,
    EXACTLY_ONCE: o.exactlyOnce ? '1' : '0',
    TXN_TIMEOUT_MS: '10000',
  };
  const producer = new Producer({ clientId: `${o.name}-producer`, bootstrapBrokers: [o.bootstrap], serializers: stringSerializers });
  const workers: Child[] = [];
  const start = (): Child => {
    const c = spawnSluice(['run', 'test/runtime/fixtures/count-job.ts'], { ...env, STATE_DIR: `${o.stateDir}/lmdb-${workers.length}` });
    workers.push(c);
    return c;
  };
  const alive = (): Child[] => workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  const tails = (): string => workers.map((w, i) => `--- worker ${i}:\n${w.stderr().slice(-1500)}`).join('\n');
  const counted = async (): Promise<number> => (await readOutputs(o.bootstrap, topics)).seen.size;
  const pauses: MembershipRunResult['pauses'] = [];
  /** Waits until every live worker logged an assignment after `marks` (its count of assignment lines then), and the live ones hold all 3 units. */
  const settledMs: MembershipRunResult['settledMs'] = [];
  let changedAt = Date.now();
  const settled = async (marks: Map<Child, number>, what: string): Promise<void> => {
    try {
      await eventually(
        () => {
          const live = alive();
          if (!live.every((w) => logged(w, ASSIGNED).length > (marks.get(w) ?? 0))) return false;
          // Each runs the tasks of its latest assignment (its last 'runs its tasks' line comes after it).
          const lines = live.map((w) => logged(w, ''));
          const running = lines.every((l) => l.findLastIndex((x) => String(x.msg).startsWith(RUNNING)) > l.findLastIndex((x) => String(x.msg).startsWith(ASSIGNED)));
          const units = lines.map((l) => l.findLast((x) => String(x.msg).startsWith(ASSIGNED))!.units as number[]);
          return running && units.flat().sort().join(',') === '0,1,2';
        },
        120_000,
        what,
      );
    } catch {
      throw new Error(`timed out waiting for ${what}\n${tails()}`);
    }
    settledMs.push({ step: what, ms: Date.now() - changedAt });
  };
  const marks = (): Map<Child, number> => new Map(alive().map((w) => [w, logged(w, ASSIGNED).length]));
  const progress = async (atLeast: number, what: string): Promise<void> => {
    try {
      await eventually(async () => (await counted()) >= atLeast, 120_000, what);
    } catch {
      throw new Error(`timed out waiting for ${what}\n${tails()}`);
    }
  };
  const resumedCount = (): number[] => workers.map((w) => logged(w, RUNNING).filter((l) => l.pauseMs !== undefined).length);
  const OPENED = 'fixture: count operator opened';
  const reopenedKept: MembershipRunResult['reopenedKept'] = [];
  const opened: MembershipRunResult['opened'] = [];
  const openMarks = (): Array<{ opens: number; assigned: number } | undefined> => workers.map((w) => (alive().includes(w) ? { opens: logged(w, OPENED).length, assigned: logged(w, ASSIGNED).length } : undefined));
  const noteOpens = (step: string, before: ReturnType<typeof openMarks>): void => {
    workers.forEach((w, i) => {
      const b = before[i];
      if (b === undefined) return; // started during the step
      const subtasks = logged(w, OPENED).slice(b.opens).map((l) => Number(l.subtask));
      const added = new Set(logged(w, ASSIGNED).slice(b.assigned).flatMap((l) => (Array.isArray(l.added) ? (l.added as number[]) : [])));
      opened.push({ step, worker: i, subtasks });
      for (const subtask of subtasks) if (!added.has(subtask)) reopenedKept.push({ step, worker: i, subtask });
    });
  };
  const notePauses = (step: string, before: number[]): void => {
    workers.forEach((w, i) => {
      for (const line of logged(w, RUNNING).filter((l) => l.pauseMs !== undefined).slice(before[i] ?? 0)) pauses.push({ step, worker: i, pauseMs: Number(line.pauseMs) });
    });
  };
  const segment = Math.ceil(o.records / 4);
  const send = async (s: number): Promise<void> => {
    const part = input.slice(s * segment, (s + 1) * segment);
    for (let i = 0; i < part.length; i += 250) {
      await producer.send({ messages: part.slice(i, i + 250).map((r) => ({ topic: topics.input, key: r.key, value: r.value })) });
    }
  };
  let final: Awaited<ReturnType<typeof readOutputs>> | undefined;
  let threeWorkerUnits: number[][] = [];
  try {
    // 1. One worker runs the whole job.
    const first = start();
    await send(0);
    await settled(new Map(), 'the first worker to be assigned every task');
    await progress(Math.floor(segment / 2), 'the first worker to count part of segment 0');
    o.log(`1 worker: ${await counted()} inputs counted`);
    // 2. Two more join the running job while input flows.
    let before = resumedCount();
    let opens = openMarks();
    let m = marks();
    changedAt = Date.now();
    const second = start();
    const third = start();
    m.set(second, 0).set(third, 0);
    await send(1);
    await settled(m, 'three workers sharing the tasks');
    threeWorkerUnits = alive().map((w) => logged(w, ASSIGNED).at(-1)!.units as number[]);
    await progress(2 * segment - segment / 2, 'progress with three workers');
    notePauses('2 workers joined', before);
    noteOpens('2 workers joined', opens);
    o.log(`3 workers: ${await counted()} inputs counted`);
    // 3. SIGKILL one: the group expels it after the session timeout, the others take its tasks.
    before = resumedCount();
    opens = openMarks();
    m = marks();
    changedAt = Date.now();
    await kill(third, 'SIGKILL');
    m.delete(third);
    await send(2);
    await settled(m, 'two workers after the SIGKILL');
    await progress(3 * segment - segment / 2, 'progress after the SIGKILL');
    notePauses('1 worker killed (SIGKILL)', before);
    noteOpens('1 worker killed (SIGKILL)', opens);
    o.log(`after SIGKILL: ${await counted()} inputs counted`);
    // 4. SIGTERM another: it leaves the group at once, the last one runs everything.
    before = resumedCount();
    opens = openMarks();
    m = marks();
    changedAt = Date.now();
    await kill(second, 'SIGTERM');
    m.delete(second);
    await send(3);
    await settled(m, 'one worker after the SIGTERM');
    notePauses('1 worker stopped (SIGTERM)', before);
    noteOpens('1 worker stopped (SIGTERM)', opens);
    void first;
    await producer.send({ messages: endMarkers(topics.input, o.records) });
    const deadline = Date.now() + 240_000;
    for (;;) {
      final = await readOutputs(o.bootstrap, topics);
      const complete = o.records + 1 <= final.seen.size && [...expectedWindows.keys()].every((w) => final!.windows.has(w));
      if (complete) break;
      if (Date.now() > deadline) throw new Error(`not every input counted / window fired: ${final.seen.size} of ${o.records + 1}, ${final.windows.size} of ${expectedWindows.size}\n${tails()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    o.log(`1 worker: all ${o.records} inputs counted`);
  } finally {
    for (const w of workers) await kill(w, 'SIGKILL');
    if (process.env.CRASH_LOGS !== undefined) workers.forEach((w, i) => writeFileSync(`${process.env.CRASH_LOGS}/${o.name}-${i}.log`, w.stderr()));
    await producer.close();
  }
  const f = final!;
  f.counts.delete('~end');
  f.countSequences.delete('~end');
  const missing: number[] = [];
  for (let seq = 0; seq < o.records; seq++) if (!f.seen.has(seq)) missing.push(seq);
  return { expectedCounts, expectedWindows, counts: f.counts, windows: f.windows, missing, countOutputs: f.countOutputs, countSequences: f.countSequences, windowOutputs: f.windowOutputs, duplicates: f.duplicates, kills: 2, pauses, settledMs, threeWorkerUnits,
    localRestores: workers.map((w) => logged(w, 'keyed state restored from the local copy').length), reopenedKept, opened };
}
