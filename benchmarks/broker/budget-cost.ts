import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { produceConsume, type Workload } from './produce-consume.ts';
import { cpuSeconds, summarize } from './stats.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

/** Every budget effectively off: Kafka's unbounded values, or 2^31-1. */
const OFF = [
  '--queued-max-request-bytes', '-1', '--max-connections', '2147483647', '--max-connections-per-ip', '2147483647',
  '--fetch-max-bytes', '2147483647', '--socket-request-max-bytes', '2147483647', '--request-read-timeout-ms', '2147483647',
  '--max-partitions', '2147483647', '--max-open-segment-files', '1000000',
];

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/**
 * The cost of the budgets: two broker processes side by side, default budgets and budgets off,
 * kcat producing and consuming the workload on each in turn, `rounds` rounds with the first
 * broker alternating. Per round, the budgets-on/off ratio of time taken and of the broker's CPU
 * seconds (from /proc) is taken; the two rows of a round run back to back, so the rest of the
 * machine weighs on both alike. Writes the `## Broker: cost of the budgets` section.
 */
export async function measureBudgetCost(dir: string, w: Workload, rounds: number, load: string): Promise<void> {
  const brokers = { on: await spawnBrokerProcess(join(dir, 'on')), off: await spawnBrokerProcess(join(dir, 'off'), OFF) };
  const runs = new Map<string, { rates: number[]; cpu: number[] }>();
  const add = (key: string, seconds: number, cpu: number) => {
    const e = runs.get(key) ?? { rates: [], cpu: [] };
    e.rates.push(w.messages / seconds);
    e.cpu.push((cpu * 1e6) / w.messages);
    runs.set(key, e);
  };
  try {
    for (const b of Object.values(brokers)) await produceConsume(b.bootstrap, 'kcat', w); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const pid = brokers[which].child.pid!;
        let cpu = cpuSeconds(pid);
        let produceCpu = 0;
        const [p, c] = await produceConsume(brokers[which].bootstrap, 'kcat', w, () => {
          produceCpu = cpuSeconds(pid) - cpu;
          cpu = cpuSeconds(pid);
        });
        add(`${which}\u0000produce`, p, produceCpu);
        add(`${which}\u0000consume`, c, cpuSeconds(pid) - cpu);
        console.log(`budget round ${r + 1} ${which}: produce ${fmt(w.messages / p)} msg/s, consume ${fmt(w.messages / c)} msg/s`);
      }
    }
  } finally {
    for (const b of Object.values(brokers)) {
      b.child.kill('SIGTERM');
      await new Promise((r) => b.child.once('exit', r));
    }
  }
  let widest = 0;
  const rows = (['produce', 'consume'] as const).map((dirn) => {
    const on = runs.get(`on\u0000${dirn}`)!;
    const off = runs.get(`off\u0000${dirn}`)!;
    const [ron, roff, con, coff] = [summarize(on.rates), summarize(off.rates), summarize(on.cpu), summarize(off.cpu)];
    const time = summarize(on.rates.map((rate, i) => off.rates[i]! / rate - 1));
    const cpu = summarize(on.cpu.map((c, i) => c / off.cpu[i]! - 1));
    widest = Math.max(widest, time.max - time.min, cpu.max - cpu.min);
    return `| librdkafka (kcat) ${dirn} | ${fmt(ron.median)} (${fmt(ron.min)} – ${fmt(ron.max)}) | ${fmt(roff.median)} (${fmt(roff.min)} – ${fmt(roff.max)}) | ${pct(time.median)} (${pct(time.min)} – ${pct(time.max)}) | ${con.median.toFixed(3)} (${con.min.toFixed(3)} – ${con.max.toFixed(3)}) | ${coff.median.toFixed(3)} (${coff.min.toFixed(3)} – ${coff.max.toFixed(3)}) | ${pct(cpu.median)} (${pct(cpu.min)} – ${pct(cpu.max)}) |`;
  });
  writeBenchmarkSection(
    'Broker: cost of the budgets',
    [
      `Two brokers in their own processes, side by side in one run: one with Sluice's default budgets (queued.max.request.bytes 256 MiB,`,
      'max.connections and max.connections.per.ip 1000, fetch.max.bytes 55 MiB, socket.request.max.bytes 100 MiB, sluice.request.read.timeout.ms',
      '30 s, sluice.max.partitions 50,000, 1,000 open segment files) and one with every budget effectively off (-1 or 2^31-1).',
      `${fmt(w.messages)} messages of ${w.size} bytes produced and consumed with kcat per row, ${rounds} rounds, the two brokers alternating first.`,
      "Rates are medians (range); CPU is the broker process's user + system seconds per million messages, from /proc. The cost columns",
      "are the median (range) over the rounds of each round's budgets-on / budgets-off ratio (time taken; CPU): the two rows of a round",
      'run back to back, so load from the rest of the machine falls on both alike.',
      '',
      `- Machine: ${machineLine()}; 1-minute load average ${load} when the run started`,
      '- Command: `npm run bench:broker` (or `npm run bench:broker -- --only budgets`)',
      '',
      '| client and direction | budgets on, msg/s | budgets off, msg/s | time cost of the budgets | budgets on, CPU s / M msgs | budgets off, CPU s / M msgs | CPU cost of the budgets |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      ...(widest > 0.1
        ? ['', `The per-round ratios spread over up to ${Math.round(widest * 100)} percentage points: the machine was busy with other work during the run, so these figures cannot show a cost as small as 5%; they show no cost larger than that spread.`]
        : []),
    ].join('\n'),
  );
}
