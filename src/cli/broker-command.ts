import type { Command } from 'commander';
import { startBroker } from '../broker/index.ts';
import type { FlushPolicy } from '../broker/log/flush-policy.ts';

/** Parses `--flush os|every-produce|group-commit[:MS]`. */
export function parseFlush(value: string): FlushPolicy {
  if (value === 'os' || value === 'every-produce') return { mode: value };
  const m = /^group-commit(?::(\d+))?$/.exec(value);
  if (m) return { mode: 'group-commit', intervalMs: Number(m[1] ?? 5) };
  throw new Error(`--flush must be os, every-produce or group-commit[:ms], got "${value}"`);
}

/** `sluice broker`: runs the embedded broker in the foreground until SIGINT/SIGTERM. */
export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the embedded Kafka-compatible broker in the foreground')
    .option('--port <port>', 'TCP port (0 = any free port)', '9092')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--advertised-host <host>', 'host name given to clients (default: --host)')
    .option('--data-dir <dir>', 'directory for logs and offsets', './data')
    .option('--partitions <n>', 'partitions of auto-created topics', '1')
    .option('--no-auto-create-topics', 'do not create unknown topics on Metadata requests')
    .option('--flush <policy>', 'os | every-produce | group-commit[:ms]', 'os')
    .option('--max-frame-bytes <n>', 'largest request accepted', String(100 * 1024 * 1024))
    .action(async (opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got "${opts.port}"`);
      const broker = await startBroker({
        port,
        host: opts.host,
        advertisedHost: opts.advertisedHost,
        dataDir: opts.dataDir,
        defaultPartitions: Number(opts.partitions),
        autoCreateTopics: opts.autoCreateTopics,
        flush: parseFlush(opts.flush),
        maxFrameBytes: Number(opts.maxFrameBytes),
      });
      process.stdout.write(`Sluice broker listening on ${broker.bootstrap} (data in ${broker.dataDir})\n`);
      const stop = (signal: string) => {
        process.stdout.write(`${signal}: stopping broker\n`);
        broker.close().then(
          () => process.exit(0),
          (err) => {
            process.stderr.write(`error while stopping: ${err}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
