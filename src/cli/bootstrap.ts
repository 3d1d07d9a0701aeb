import { Option } from 'commander';
import { UsageError } from './cli-error.ts';

export const DEFAULT_BOOTSTRAP = 'localhost:9092';
export const BOOTSTRAP_ENV = 'SLUICE_BOOTSTRAP';

/** The global `--bootstrap` option: flag, then `SLUICE_BOOTSTRAP`, then `localhost:9092`. */
export function bootstrapOption(): Option {
  return new Option('--bootstrap <host:port>', 'Kafka bootstrap server(s), comma-separated')
    .env(BOOTSTRAP_ENV)
    .default(DEFAULT_BOOTSTRAP);
}

/**
 * Parses `host:port[,host:port...]` into the list given to the Kafka clients.
 * IPv6 literals are written in brackets: `[::1]:9092`.
 */
export function parseBootstrap(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new UsageError(`--bootstrap must be host:port, got "${value}"`);
  for (const server of servers) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d+)$/.exec(server);
    const port = m ? Number(m[2]) : NaN;
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(`--bootstrap must be host:port (port 1-65535), got "${server}"`);
    }
  }
  return servers;
}
