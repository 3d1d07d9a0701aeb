/**
 * `npm run fuzz:broker [-- --frames N --seed S --connections C --record]`: mutation fuzzing of
 * the broker (in its own process) over the corpus of real clients' requests. Reports frames,
 * connections closed by the broker, internal errors (must be 0), crashes (must be 0) and the
 * broker's peak RSS; `--record` writes the report to BENCHMARKS.md. Exits 1 unless clean.
 */
import { fmt, machineLine, writeBenchmarkSection } from '../../../benchmarks/bench-report.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, normalClientRoundTrip, startBrokerChild } from '../hostile/broker-child.ts';
import { fuzz } from './fuzz-engine.ts';
import { loadCorpus } from './mutator.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const frames = arg('--frames', 200_000);
const seed = arg('--seed', 20251205);
const connections = arg('--connections', 32);

const data = tempDir('sluice-fuzz-');
const broker = await startBrokerChild(data.dir, [...BUDGET_ARGS, '--max-partitions', '20000']);
let peakRss = broker.rssBytes();
let crashed = 0;
let stopping = false;
broker.child.once('exit', (code, signal) => {
  if (stopping) return;
  crashed++;
  process.stderr.write(`broker exited during the run (${code ?? signal})\n`);
});
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, broker.rssBytes());
  } catch {
    // the process is gone: counted as a crash
  }
}, 250);
const started = performance.now();
let result;
try {
  result = await fuzz({ bootstrap: broker.bootstrap, frames, seed, connections, onProgress: (n) => n % 20_000 === 0 && process.stderr.write(`${n} frames\n`) });
  if (!crashed) await normalClientRoundTrip(broker.bootstrap, 'after fuzzing');
} finally {
  clearInterval(sampler);
}
const seconds = (performance.now() - started) / 1000;
const internalErrors = broker.lines().filter((l) => l.level >= 50).length;
stopping = true;
await broker.stop('SIGTERM');
data.cleanup();
const corpus = loadCorpus();
const report = {
  frames: result.frames,
  seed,
  seconds: Math.round(seconds),
  connectionsOpened: result.connectionsOpened,
  closedByBroker: result.closedByBroker,
  answered: result.answered,
  unanswered: result.unanswered,
  internalErrors,
  crashes: crashed,
  peakRssMiB: Math.round(peakRss / 1024 / 1024),
  byMutation: result.byMutation,
  corpus: { frames: corpus.length, apis: new Set(corpus.map((f) => f.apiKey)).size, clients: [...new Set(corpus.map((f) => f.client))] },
};
console.log(JSON.stringify(report, null, 1));
if (process.argv.includes('--record')) {
  writeBenchmarkSection(
    'Broker: mutation fuzzing',
    [
      `${fmt(report.frames)} mutated request frames (seed ${seed}, ${connections} connections at once) sent to the embedded broker in its own process,`,
      `running with the hostile-client budgets (socket.request.max.bytes 16 MiB, queued.max.request.bytes 48 MiB, fetch.max.bytes 8 MiB,`,
      'max.connections 200, sluice.max.partitions 20000). Mutations of a corpus of ' + `${corpus.length} valid frames captured from ${report.corpus.clients.filter((c) => c !== 'synthetic').join(', ')}`,
      `covering all ${report.corpus.apis} advertised APIs (OffsetForLeaderEpoch and DescribeCluster are sent by none of the installed clients: their frames are built`,
      'by our encoder). Internal errors are log lines of level error (a handler that threw); a crash is the broker process exiting.',
      '',
      `- Machine: ${machineLine()}`,
      '- Command: `npm run fuzz:broker -- --record`',
      '',
      '| frames | seconds | connections closed by the broker | answered | unanswered within 100 ms | internal errors | crashes | peak RSS |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${fmt(report.frames)} | ${report.seconds} | ${fmt(report.closedByBroker)} | ${fmt(report.answered)} | ${fmt(report.unanswered)} | ${internalErrors} | ${crashed} | ${report.peakRssMiB} MiB |`,
    ].join('\n'),
  );
}
process.exit(internalErrors === 0 && crashed === 0 ? 0 : 1);
