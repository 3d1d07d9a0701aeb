import type { Command } from 'commander';
import type { FlushPolicy } from '../broker/log/flush-policy.ts';
import { exitWhenDrained } from './exit.ts';
import { collectConfig, intOption, type ConfigEntry } from './option-parsers.ts';
import { UsageError } from './cli-error.ts';
import { addDashboardOptions, startDashboardFromFlag } from './dashboard-flag.ts';
import { addBrokerDashboardOptions, brokerDashboardOptions, brokerDashboardSettings } from './broker-dashboard.ts';
import type { RunningDashboard } from '../dashboard/server.ts';
import type { BrokerSecurityConfig } from '../broker/listener-setup.ts';
import type { SaslMechanismName } from '../broker/security/sasl/mechanism.ts';

interface SecurityFlags {
  listeners?: string;
  advertisedListeners?: string;
  listenerSecurityProtocolMap?: string;
  sslCert?: string;
  sslKey?: string;
  sslKeyPassword?: string;
  sslCa?: string;
  sslClientAuth?: 'required' | 'requested' | 'none';
  sslPrincipalMappingRules?: string;
  saslUsers?: string;
  saslMechanisms?: string;
  connectionsMaxReauthMs?: number;
  authorizer?: boolean;
  superUsers?: string;
  allowEveryoneIfNoAclFound?: boolean;
}

/** The security options of `sluice broker` (Kafka's names in the help). */
function addSecurityFlags(command: Command): void {
  command
    .option('--listeners <list>', 'listeners, e.g. PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093 (listeners; replaces --host/--port)')
    .option('--advertised-listeners <list>', 'address each listener gives clients (advertised.listeners)')
    .option('--listener-security-protocol-map <map>', 'NAME:PROTOCOL pairs for listeners not named after a protocol (listener.security.protocol.map)')
    .option('--ssl-cert <file>', 'server certificate chain, PEM, for SSL and SASL_SSL listeners')
    .option('--ssl-key <file>', 'private key of --ssl-cert, PEM')
    .option('--ssl-key-password <password>', 'passphrase of an encrypted --ssl-key (ssl.key.password)')
    .option('--ssl-ca <file>', 'CA certificates that sign client certificates, PEM')
    .option('--ssl-client-auth <mode>', 'required | requested | none (ssl.client.auth, default none)')
    .option('--ssl-principal-mapping-rules <rules>', 'certificate subject to user name rules (ssl.principal.mapping.rules)')
    .option('--sasl-users <file>', 'development users: user:password lines or a JAAS user_NAME="password" section')
    .option('--sasl-mechanisms <list>', 'enabled SASL mechanisms (sasl.enabled.mechanisms, default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512)')
    .option('--connections-max-reauth-ms <ms>', 'SASL session lifetime; clients re-authenticate (connections.max.reauth.ms, default 0 = none)', intOption('--connections-max-reauth-ms', 0))
    .option('--authorizer', 'enforce ACLs (authorizer.class.name); manage them with sluice acls')
    .option('--super-users <list>', 'principals allowed everything, e.g. User:admin;User:ops (super.users)')
    .option('--allow-everyone-if-no-acl-found', 'with --authorizer: resources without ACLs are open (allow.everyone.if.no.acl.found)');
}

async function securityOptionsOf(o: SecurityFlags): Promise<BrokerSecurityConfig> {
  const { SASL_MECHANISMS } = await import('../broker/security/sasl/mechanism.ts');
  const mechanisms = o.saslMechanisms?.split(',').map((m) => m.trim().toUpperCase());
  for (const m of mechanisms ?? []) if (!(SASL_MECHANISMS as readonly string[]).includes(m)) throw new UsageError(`--sasl-mechanisms: ${m} is not one of ${SASL_MECHANISMS.join(', ')}`);
  if (o.sslClientAuth !== undefined && !['required', 'requested', 'none'].includes(o.sslClientAuth)) throw new UsageError('--ssl-client-auth must be required, requested or none');
  if ((o.sslCert === undefined) !== (o.sslKey === undefined)) throw new UsageError('give --ssl-cert and --ssl-key together');
  if ((o.superUsers !== undefined || o.allowEveryoneIfNoAclFound) && !o.authorizer) throw new UsageError('--super-users and --allow-everyone-if-no-acl-found need --authorizer');
  return {
    ...(o.listeners !== undefined && { listeners: o.listeners }),
    ...(o.advertisedListeners !== undefined && { advertisedListeners: o.advertisedListeners }),
    ...(o.listenerSecurityProtocolMap !== undefined && { listenerSecurityProtocolMap: o.listenerSecurityProtocolMap }),
    ...(o.sslCert !== undefined && {
      ssl: { certFile: o.sslCert, keyFile: o.sslKey!, ...(o.sslKeyPassword !== undefined && { keyPassword: o.sslKeyPassword }), ...(o.sslCa !== undefined && { caFile: o.sslCa }), ...(o.sslClientAuth !== undefined && { clientAuth: o.sslClientAuth }) },
    }),
    ...(o.sslPrincipalMappingRules !== undefined && { sslPrincipalMappingRules: o.sslPrincipalMappingRules }),
    ...(o.saslUsers !== undefined && { saslUsersFile: o.saslUsers }),
    ...(mechanisms !== undefined && { saslMechanisms: mechanisms as SaslMechanismName[] }),
    ...(o.connectionsMaxReauthMs !== undefined && { connectionsMaxReauthMs: o.connectionsMaxReauthMs }),
    ...(o.authorizer === true && { authorizer: { ...(o.superUsers !== undefined && { superUsers: o.superUsers }), allowEveryoneIfNoAclFound: o.allowEveryoneIfNoAclFound === true } }),
  };
}

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
  addSecurityFlags(command);
  addBrokerDashboardOptions(addDashboardOptions(command))
    .option('--config <name=value>', 'any broker config by its Kafka name, e.g. log.retention.hours=24 (repeatable)', collectConfig, [])
    .action(async (opts) => {
      const config: Record<string, string | number> = {};
      for (const [flag, name] of LIMIT_FLAGS) {
        const key = camel(flag.split(' ')[0]!.slice(2));
        if (opts[key] !== undefined) config[name] = opts[key];
      }
      for (const c of opts.config as ConfigEntry[]) config[c.name] = c.value;
      const security = await securityOptionsOf(opts as SecurityFlags);
      const dashboardSettings = await brokerDashboardSettings(opts);
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
        ...security,
      });
      let dashboard: RunningDashboard | undefined;
      try {
        if (opts.dashboard !== undefined) {
          const { token, warning, ...options } = brokerDashboardOptions(broker, dashboardSettings, opts.dashboardToken);
          if (warning !== undefined) process.stderr.write(`sluice: warning: ${warning}\n`);
          dashboard = await startDashboardFromFlag(opts.dashboard, token, options);
        }
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
      const others = broker.listeners.length > 1 ? `; listeners ${broker.listeners.map((l) => `${l.name} ${l.bootstrap}`).join(', ')}` : '';
      process.stdout.write(`Sluice broker listening on ${broker.bootstrap} (data in ${broker.dataDir}${others})\n`);
      if (dashboard) process.stdout.write(`Dashboard: ${dashboard.url} (metrics at ${new URL('metrics', dashboard.url.split('?')[0]).href})\n`);
    });
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
