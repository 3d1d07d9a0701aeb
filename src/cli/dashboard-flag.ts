import { InvalidArgumentError, type Command } from 'commander';
import type { DashboardOptions, RunningDashboard } from '../dashboard/server.ts';

/** Where `--dashboard` listens: loopback and a free port unless told otherwise. */
export interface DashboardAddress {
  host: string;
  port: number;
}

const DEFAULT_HOST = '127.0.0.1';

/**
 * Parses the value of `--dashboard`: nothing (127.0.0.1, a free port), `PORT`, `HOST:PORT`,
 * `HOST` or `[IPv6]:PORT`.
 */
export function parseDashboardAddress(value: string): DashboardAddress {
  const v = value.trim();
  const port = (text: string): number => {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(Number.isInteger(n) && n >= 0 && n <= 65535)) throw new InvalidArgumentError(`--dashboard: the port must be an integer from 0 to 65535, got "${text}".`);
    return n;
  };
  if (v === '') return { host: DEFAULT_HOST, port: 0 };
  if (/^\d+$/.test(v)) return { host: DEFAULT_HOST, port: port(v) };
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(v);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] === undefined ? 0 : port(bracketed[2]) };
  const colon = v.lastIndexOf(':');
  if (colon > 0 && v.indexOf(':') === colon) return { host: v.slice(0, colon), port: port(v.slice(colon + 1)) };
  if (colon < 0) return { host: v, port: 0 };
  throw new InvalidArgumentError(`--dashboard: write an IPv6 address in brackets, e.g. [::1]:8081, got "${v}".`);
}

/** Adds `--dashboard [address]` and `--dashboard-token <token>` to a command. */
export function addDashboardOptions(command: Command): Command {
  return command
    .option('--dashboard [address]', 'serve the web dashboard and /metrics: PORT, HOST:PORT or HOST (default 127.0.0.1 and a free port; the address is printed)', parseDashboardAddress)
    .option('--dashboard-token <token>', 'token the dashboard requires (default: none on loopback, a generated one on any other address)');
}

/** The `--dashboard` option as commander leaves it: absent, `true` (no value) or an address. */
export type DashboardFlag = DashboardAddress | true | undefined;

/** Starts the dashboard when the flag asks for it; `undefined` otherwise. */
export async function startDashboardFromFlag(flag: DashboardFlag, token: string | undefined, options: Omit<DashboardOptions, 'host' | 'port' | 'token'>): Promise<RunningDashboard | undefined> {
  if (flag === undefined) return undefined;
  const address = flag === true ? { host: DEFAULT_HOST, port: 0 } : flag;
  // Loaded only when asked for: the dashboard (prom-client, the Kafka admin) costs start-up time.
  const { startDashboard } = await import('../dashboard/server.ts');
  return startDashboard({ ...options, ...address, token });
}
