import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RunningBroker } from '../broker/broker.ts';
import type { DashboardOptions } from '../dashboard/server.ts';
import type { KafkaConnection } from '../dashboard/kafka/clients.ts';
import { UsageError } from './cli-error.ts';

/** The dashboard options only `sluice broker` has: HTTPS with the broker's certificate, and the dashboard's own Kafka login. */
export function addBrokerDashboardOptions(command: Command): Command {
  return command
    .option('--dashboard-tls', "serve the dashboard over HTTPS with the broker's --ssl-cert / --ssl-key")
    .option('--dashboard-command-config <file>', "Kafka client properties the dashboard's own connection to this broker uses (security.protocol, sasl.*, ssl.*), e.g. a super user's login");
}

interface Flags {
  dashboard?: unknown;
  dashboardTls?: boolean;
  dashboardToken?: string;
  dashboardCommandConfig?: string;
  sslCert?: string;
  sslKey?: string;
  sslKeyPassword?: string;
}

/** What the dashboard of a broker needs from the flags, read before the broker starts so that a mistake stops nothing. */
export interface BrokerDashboardSettings {
  tls?: NonNullable<DashboardOptions['tls']>;
  client: Pick<KafkaConnection, 'tls' | 'sasl'>;
}

export async function brokerDashboardSettings(o: Flags): Promise<BrokerDashboardSettings> {
  if (o.dashboard === undefined && (o.dashboardTls || o.dashboardCommandConfig !== undefined)) throw new UsageError('--dashboard-tls and --dashboard-command-config need --dashboard');
  let tls: BrokerDashboardSettings['tls'];
  if (o.dashboardTls) {
    if (o.sslCert === undefined || o.sslKey === undefined) throw new UsageError("--dashboard-tls serves the broker's certificate: give --ssl-cert and --ssl-key");
    const read = (file: string, flag: string): Buffer => {
      try {
        return readFileSync(file);
      } catch (err) {
        throw new UsageError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
      }
    };
    tls = { cert: read(o.sslCert, '--ssl-cert'), key: read(o.sslKey, '--ssl-key'), ...(o.sslKeyPassword !== undefined && { passphrase: o.sslKeyPassword }) };
  }
  const client = o.dashboardCommandConfig === undefined ? {} : await (await import('./command-config.ts')).readCommandConfig(o.dashboardCommandConfig);
  return { ...(tls && { tls }), client };
}

/**
 * The dashboard options of a running broker. On a secured broker (a SASL listener, or ACLs) users
 * log in with HTTP Basic as the broker's users and see what the broker's ACLs let them DESCRIBE
 * and READ; the token is then not used. The dashboard's own clients connect to the listener whose
 * protocol matches their settings (PLAINTEXT without --dashboard-command-config).
 */
export function brokerDashboardOptions(broker: RunningBroker, settings: BrokerDashboardSettings, token: string | undefined): Omit<DashboardOptions, 'host' | 'port' | 'token'> & { token?: string; warning?: string } {
  const secured = broker.access.secured;
  if (secured && token !== undefined) throw new UsageError('--dashboard-token is not used on a secured broker: users log in to the dashboard with their Kafka user name and password');
  const { tls, sasl } = settings.client;
  const protocol = tls && sasl ? 'SASL_SSL' : sasl ? 'SASL_PLAINTEXT' : tls ? 'SSL' : 'PLAINTEXT';
  const listener = broker.listeners.find((l) => l.protocol === protocol);
  const warning =
    listener === undefined
      ? `the broker has no ${protocol} listener for the dashboard's Kafka pages: give --dashboard-command-config with the settings of one of its listeners (${broker.listeners.map((l) => l.protocol).join(', ')})`
      : secured && sasl === undefined && tls?.cert === undefined
        ? "the dashboard's Kafka pages connect without a login, so they show only what User:ANONYMOUS may describe: give --dashboard-command-config with a super user's login"
        : undefined;
  return {
    ...(warning !== undefined && { warning }),
    metrics: () => [broker.metrics.registry],
    kafka: { bootstrap: [listener?.bootstrap ?? broker.bootstrap], ...settings.client },
    ...(settings.tls && { tls: settings.tls }),
    ...(secured && { auth: broker.access }),
    ...(token !== undefined && { token }),
  };
}
