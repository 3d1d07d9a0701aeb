import type { Command } from 'commander';
import { startBroker } from '../broker/index.ts';
import type { FlushPolicy } from '../broker/log/flush-policy.ts';
import { exitWhenDrained } from './exit.ts';
import { collectConfig, intOption, type ConfigEntry } from './option-parsers.ts';
import { addDashboardOptions, startDashboardFromFlag } from './dashboard-flag.ts';

/** Parses `--flush os|every-produce|group-commit[:MS]`. */
export function parseFlush(value: string): FlushPolicy {
  if (value === 'os' || value === 'every-produce') return { mode: value };
  const m = /^group-commit(?::(\d+))?$/.exec(value);
  if (m) return { mode: 'group-commit', intervalMs: Number(m[1] ?? 5) };
  throw new Error(`--flush must be os, every-produce or group-commit[:ms], got "${value}"`);
}

/** Flags that set one broker config each (Kafka's name on the right); unset flags leave the default. */
const LIMIT_FLAGS: ReadonlyArray<[flag: string, config: string, min: number, help: string]> = [
  ['--max-connections <n>', 'max.connections', 0, 'most client connections at once (default 1000)'],
  ['--max-connections-per-ip <n>', 'max.connections.per.ip', 0, 'most connections from one address (default 1000)'],
  ['--queued-max-request-bytes <n>', 'queued.max.request.bytes', -1, 'memory for requests being read, all connections together (default 256 MiB; -1: no limit)'],
  ['--socket-request-max-bytes <n>', 'socket.request.max.bytes', 1024, 'largest request accepted (default 100 MiB)'],
  ['--fetch-max-bytes <n>', 'fetch.max.bytes', 1024, 'most record bytes in one fetch response (default 55 MiB)'],
  ['--request-read-timeout-ms <ms>', 'sluice.request.read.timeout.ms', 1, 'close connections whose request takes longer to arrive (default 30000)'],
  ['--max-partitions <n>', 'sluice.max.partitions', 1, 'most partitions this broker holds (default 50000)'],
  ['--max-open-segment-files <n>', 'sluice.max.open.segment.files', 16, 'most log segment files open at once (default 1000)'],
  ['--retention-check-interval-ms <ms>', 'log.retention.check.interval.ms', 1, 'how often retention runs (default 30000)'],
];

/** `sluice broker`: runs the embedded broker in the foreground until SIGINT/SIGTERM. */
export function registerBrokerCommand(program: Command): void {
  const command = program
    .command('broker')
    .description('run the embedded Kafka-compatible broker in the foreground')
    .option('--port <port>', 'TCP port (0 = any free port)', intOption('--port', 0, 65535), 9092)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--advertised-host <host>', 'host name given to clients (default: --host)')
    .option('--advertised-port <port>', 'port given to clients, behind a proxy or port mapping (default: --port)', intOption('--advertised-port', 1, 65535))
    .option('--data-dir <dir>', 'directory for logs and offsets (locked while the broker runs)', './data')
    .option('--partitions <n>', 'partitions of auto-created topics, num.partitions (default 1)', intOption('--partitions', 1, 100_000))
    .option('--no-auto-create-topics', 'do not create unknown topics on Metadata requests')
    .option('--flush <policy>', 'os | every-produce | group-commit[:ms]', 'os')
    .option('--max-frame-bytes <n>', 'same as --socket-request-max-bytes', intOption('--max-frame-bytes', 1024))
    .option('--max-transaction-timeout-ms <ms>', 'longest transaction timeout a producer may ask for (default 900000)', intOption('--max-transaction-timeout-ms', 1))
    .option('--connections-max-idle-ms <ms>', 'close connections idle this long (default 600000)', intOption('--connections-max-idle-ms', 1))
    .option('--cleaner-interval-ms <ms>', 'log cleaner back-off when nothing is cleanable (default 15000)', intOption('--cleaner-interval-ms', 1))
    .option('--no-cleaner', 'do not compact topics with cleanup.policy=compact');
  for (const [flag, , min, help] of LIMIT_FLAGS) command.option(flag, help, intOption(flag.split(' ')[0]!, min));
  addDashboardOptions(command)
    .option('--config <name=value>', 'any broker config by its Kafka name, e.g. log.retention.hours=24 (repeatable)', collectConfig, [])
    .action(async (opts) => {
      const config: Record<string, string | number> = {};
      for (const [flag, name] of LIMIT_FLAGS) {
        const key = camel(flag.split(' ')[0]!.slice(2));
        if (opts[key] !== undefined) config[name] = opts[key];
      }
      for (const c of opts.config as ConfigEntry[]) config[c.name] = c.value;
      // Signals are handled before anything is announced: whoever reads "listening on" may stop
      // the broker at once, even before the line after the announcement ran.
      let stopped: ((signal: string) => void) | undefined;
      const early: string[] = [];
      process.once('SIGINT', () => (stopped ? stopped('SIGINT') : early.push('SIGINT')));
      process.once('SIGTERM', () => (stopped ? stopped('SIGTERM') : early.push('SIGTERM')));
      const broker = await startBroker({
        port: opts.port,
        host: opts.host,
        advertisedHost: opts.advertisedHost,
        advertisedPort: opts.advertisedPort,
        dataDir: opts.dataDir,
        defaultPartitions: opts.partitions,
        autoCreateTopics: opts.autoCreateTopics === false ? false : undefined,
        flush: parseFlush(opts.flush),
        maxFrameBytes: opts.maxFrameBytes,
        maxTransactionTimeoutMs: opts.maxTransactionTimeoutMs,
        connectionsMaxIdleMs: opts.connectionsMaxIdleMs,
        cleaner: { enabled: opts.cleaner === false ? false : undefined, intervalMs: opts.cleanerIntervalMs },
        config,
      });
      let dashboard;
      try {
        dashboard = await startDashboardFromFlag(opts.dashboard, opts.dashboardToken, {
          metrics: () => [broker.metrics.registry],
          kafka: { bootstrap: [broker.bootstrap] },
        });
      } catch (err) {
        await broker.close();
        throw err;
      }
      stopped = (signal: string) => {
        process.stdout.write(`${signal}: stopping broker\n`);
        Promise.resolve(dashboard?.close())
          .then(() => broker.close())
          .then(
            () => exitWhenDrained(0),
            (err) => {
              process.stderr.write(`sluice: error while stopping the broker: ${err}\n`);
              return exitWhenDrained(1);
            },
          );
      };
      if (early.length > 0) return stopped(early[0]!);
      process.stdout.write(`Sluice broker listening on ${broker.bootstrap} (data in ${broker.dataDir})\n`);
      if (dashboard) process.stdout.write(`Dashboard: ${dashboard.url} (metrics at ${new URL('metrics', dashboard.url.split('?')[0]).href})\n`);
    });
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
