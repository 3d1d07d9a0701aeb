import { connectTimeoutMs, noAnswerMessage } from '../../kafka/reachability.ts';
import { CliError } from '../cli-error.ts';
import type { CliContext } from '../context.ts';
import { ClusterClient } from './cluster-client.ts';
import type { SaslSettings } from './sasl-client.ts';

/**
 * Connects the CLI to the cluster on Sluice's own wire client, with the TLS / SASL settings of
 * `--command-config`. A refused connection fails at once; a server that accepts but never answers
 * like Kafka fails after connectTimeoutMs() (the words the connectors use).
 */
export async function connectCluster(ctx: CliContext, clientId: string): Promise<ClusterClient> {
  const security = ctx.commandConfig === undefined ? {} : await (await import('../command-config.ts')).readCommandConfig(ctx.commandConfig);
  const ms = connectTimeoutMs();
  const connecting = ClusterClient.connect(ctx.bootstrap, {
    clientId,
    ...(security.tls && { tls: security.tls }),
    // The CLI's properties always hold the credentials as strings (no providers).
    ...(security.sasl && { sasl: security.sasl as SaslSettings }),
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(noAnswerMessage(ctx.bootstrapText, ms))), ms);
  });
  try {
    return await Promise.race([connecting, timeout]);
  } catch (err) {
    // A connection that completes after the deadline is closed, not leaked.
    connecting.then((c) => c.close(), () => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` with a cluster client and closes it. */
export async function withCluster<T>(ctx: CliContext, fn: (cluster: ClusterClient) => Promise<T>, clientId = 'sluice-cli-admin'): Promise<T> {
  const cluster = await connectCluster(ctx, clientId);
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}
