import { join } from 'node:path';
import { startBroker } from '../../src/broker/index.ts';
import { tlsMaterial } from '../../test/helpers/tls-material.ts';
import { createTopic, deleteTopic, endOffsetTotal, kcatConsume, kcatProduce, timed } from './clients.ts';
import type { Workload } from './produce-consume.ts';
import { summarize } from './stats.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

/**
 * Produce and consume throughput over TLS beside plaintext, in one run: one broker with a
 * PLAINTEXT and an SSL listener, kcat (librdkafka) producing and consuming the workload over each
 * in turn, `rounds` rounds with the listener order alternating. Writes `## Broker: TLS`.
 */
export async function measureTlsCost(dir: string, w: Workload, rounds: number, load: string): Promise<void> {
  const tls = tlsMaterial();
  const broker = await startBroker({
    dataDir: join(dir, 'tls'),
    listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
    ssl: { certFile: tls.server.certFile, keyFile: tls.server.keyFile },
  });
  const plain = broker.listeners[0]!.bootstrap;
  const ssl = broker.listeners[1]!.bootstrap;
  const kinds = { plaintext: { bootstrap: plain, extra: [] as string[] }, tls: { bootstrap: ssl, extra: ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${tls.ca.certFile}`] } };
  const rates = new Map<string, number[]>();
  const cpus = new Map<string, number[]>();
  let topics = 0;
  const once = async (kind: keyof typeof kinds, record: boolean) => {
    const topic = `tls-bench-${++topics}`;
    await createTopic(plain, topic, w.partitions);
    const { bootstrap, extra } = kinds[kind];
    // The broker runs in this process: its CPU is this process's (the admin calls are outside).
    const cpu = (from: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(from);
      return ((u.user + u.system) / 1e6) * (1e6 / w.messages);
    };
    let mark = process.cpuUsage();
    const p = await timed(() => kcatProduce(bootstrap, topic, w.file, extra));
    const pCpu = cpu(mark);
    if ((await endOffsetTotal(plain, topic)) !== w.messages) throw new Error(`${topic} is missing messages`);
    mark = process.cpuUsage();
    const c = await timed(() => kcatConsume(bootstrap, topic, w.messages, extra));
    const cCpu = cpu(mark);
    await deleteTopic(plain, topic);
    if (!record) return;
    for (const [dirn, s, used] of [['produce', p, pCpu], ['consume', c, cCpu]] as const) {
      rates.set(`${kind}\u0000${dirn}`, [...(rates.get(`${kind}\u0000${dirn}`) ?? []), w.messages / s]);
      cpus.set(`${kind}\u0000${dirn}`, [...(cpus.get(`${kind}\u0000${dirn}`) ?? []), used]);
    }
    console.log(`tls round: ${kind} produce ${fmt(w.messages / p)} msg/s, consume ${fmt(w.messages / c)} msg/s`);
  };
  try {
    await once('plaintext', false);
    await once('tls', false);
    for (let r = 0; r < rounds; r++) for (const kind of r % 2 === 0 ? (['plaintext', 'tls'] as const) : (['tls', 'plaintext'] as const)) await once(kind, true);
  } finally {
    await broker.close();
    tls.cleanup();
  }
  const cell = (xs: number[]) => {
    const s = summarize(xs);
    return `${fmt(s.median)} (${fmt(s.min)} – ${fmt(s.max)})`;
  };
  const cpuCell = (xs: number[]) => {
    const s = summarize(xs);
    return `${s.median.toFixed(2)} (${s.min.toFixed(2)} – ${s.max.toFixed(2)})`;
  };
  let widest = 0;
  const rows = (['produce', 'consume'] as const).map((dirn) => {
    const p = rates.get(`plaintext\u0000${dirn}`)!;
    const t = rates.get(`tls\u0000${dirn}`)!;
    const ratio = summarize(t.map((x, i) => x / p[i]!));
    widest = Math.max(widest, ratio.max - ratio.min);
    const pc = cpus.get(`plaintext\u0000${dirn}`)!;
    const tc = cpus.get(`tls\u0000${dirn}`)!;
    return `| librdkafka (kcat) ${dirn} | ${cell(p)} | ${cell(t)} | ${(ratio.median * 100).toFixed(0)}% (${(ratio.min * 100).toFixed(0)}% – ${(ratio.max * 100).toFixed(0)}%) | ${cpuCell(pc)} | ${cpuCell(tc)} |`;
  });
  writeBenchmarkSection(
    'Broker: TLS',
    [
      `One broker in the benchmark process with a PLAINTEXT and an SSL listener (TLS 1.3, EC P-256 certificate from the test helper);`,
      `${fmt(w.messages)} messages of ${w.size} bytes (no key, uncompressed) produced (acks=1) and consumed with kcat over each listener per row,`,
      `a fresh topic of ${w.partitions} partitions each time, one unmeasured warm-up per listener, then ${rounds} rounds with the listener order alternating.`,
      'Rates are medians (range); the ratio column is the median (range) of each round\'s TLS / plaintext rate (the two rows of a round run back to back).',
      "CPU is the broker's (the benchmark process's) user + system seconds per million messages, median (range): less sensitive to other load than the rates.",
      '',
      `- Machine: ${machineLine()}; 1-minute load average ${load} when the run started`,
      '- Command: `npm run bench:broker -- --only tls` (with `--messages N --tls-rounds R`)',
      '',
      '| client and direction | plaintext msg/s | TLS msg/s | TLS / plaintext (rate) | plaintext broker CPU s / M msgs | TLS broker CPU s / M msgs |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      ...(widest > 0.1
        ? ['', `The per-round rate ratios spread over ${Math.round(widest * 100)} percentage points: the machine was busy with other work during the run, so the rates cannot show a TLS cost smaller than that spread; compare the CPU columns.`]
        : []),
    ].join('\n'),
  );
}
