// A broker process whose log layer sits on a DiskQuota (ENOSPC past the capacity), for
// disk-full.test.ts. Args: --port P --data-dir D --capacity BYTES [--config name=value ...].
// Reads "capacity BYTES" lines on stdin (space freed or taken by someone else) and answers
// "capacity BYTES used BYTES".
import { createInterface } from 'node:readline';
import { startBroker } from '../../../src/broker/index.ts';
import { useFileIO } from '../../../src/broker/log/file-io.ts';
import { DiskQuota } from './disk-quota.ts';

const args = process.argv.slice(2);
const arg = (name: string) => args[args.indexOf(name) + 1]!;
const config: Record<string, string> = {};
args.forEach((a, i) => {
  if (a === '--config') {
    const [k, v] = args[i + 1]!.split('=');
    config[k!] = v!;
  }
});
const quota = new DiskQuota(Number(arg('--capacity')));
useFileIO(quota);
const broker = await startBroker({ port: Number(arg('--port')), dataDir: arg('--data-dir'), config });
process.stdout.write(`full-disk broker listening on ${broker.bootstrap}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^capacity (\d+)$/.exec(line.trim());
  if (m) quota.capacity = Number(m[1]);
  process.stdout.write(`capacity ${quota.capacity} used ${quota.used}\n`);
});
process.once('SIGTERM', () => void broker.close().then(() => process.exit(0)));
