import type { Command } from 'commander';
import type { FlushPolicy } from '../broker/log/flush-policy.ts';
import { exitWhenDrained } from './exit.ts';
import { intOption } from './option-parsers.ts';

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
    .option('--port <port>', 'TCP port (0 = any free port)', intOption('--port', 0, 65535), 9092)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--advertised-host <host>', 'host name given to clients (default: --host)')
    .option('--data-dir <dir>', 'directory for logs and offsets', './data')
    .option('--partitions <n>', 'partitions of auto-created topics', intOption('--partitions', 1, 100_000), 1)
    .option('--no-auto-create-topics', 'do not create unknown topics on Metadata requests')
    .option('--flush <policy>', 'os | every-produce | group-commit[:ms]', 'os')
    .option('--max-frame-bytes <n>', 'largest request accepted', intOption('--max-frame-bytes', 1024), 100 * 1024 * 1024)
    .option('--max-transaction-timeout-ms <ms>', 'longest transaction timeout a producer may ask for', intOption('--max-transaction-timeout-ms', 1), 900_000)
    .option('--connections-max-idle-ms <ms>', 'close connections idle this long', intOption('--connections-max-idle-ms', 1), 600_000)
    .option('--cleaner-interval-ms <ms>', 'log cleaner back-off when nothing is cleanable', intOption('--cleaner-interval-ms', 1), 15_000)
    .option('--no-cleaner', 'do not compact topics with cleanup.policy=compact')
    .action(async (opts) => {
      // Signals are handled before anything is announced: whoever reads "listening on" may stop
      // the broker at once, even before the line after the announcement ran.
      let stopped: ((signal: string) => void) | undefined;
      const early: string[] = [];
      process.once('SIGINT', () => (stopped ? stopped('SIGINT') : early.push('SIGINT')));
      process.once('SIGTERM', () => (stopped ? stopped('SIGTERM') : early.push('SIGTERM')));
      // The broker's code loads only for this command (and its options parse first).
      const { startBroker } = await import('../broker/index.ts');
      const broker = await startBroker({
        port: opts.port,
        host: opts.host,
        advertisedHost: opts.advertisedHost,
        dataDir: opts.dataDir,
        defaultPartitions: opts.partitions,
        autoCreateTopics: opts.autoCreateTopics,
        flush: parseFlush(opts.flush),
        maxFrameBytes: opts.maxFrameBytes,
        maxTransactionTimeoutMs: opts.maxTransactionTimeoutMs,
        connectionsMaxIdleMs: opts.connectionsMaxIdleMs,
        cleaner: { enabled: opts.cleaner, intervalMs: opts.cleanerIntervalMs },
      });
      stopped = (signal: string) => {
        process.stdout.write(`${signal}: stopping broker\n`);
        broker.close().then(
          () => exitWhenDrained(0),
          (err) => {
            process.stderr.write(`sluice: error while stopping the broker: ${err}\n`);
            return exitWhenDrained(1);
          },
        );
      };
      if (early.length > 0) return stopped(early[0]!);
      process.stdout.write(`Sluice broker listening on ${broker.bootstrap} (data in ${broker.dataDir})\n`);
    });
}
