import { KafkaConnectorError } from '../../core/errors/kafka-errors.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

/**
 * How long the first exchange with a cluster may take before a client gives up:
 * SLUICE_CONNECT_TIMEOUT_MS, default 6 s. A refused connection fails at once; this bounds a server
 * that accepts connections but never answers like Kafka (a wrong port, a firewall dropping packets),
 * which the client's own request timeouts and retries would wait on for minutes.
 */
export function connectTimeoutMs(): number {
  const value = Number(process.env.SLUICE_CONNECT_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 6_000;
}

/** The one line every part of Sluice says when the cluster does not answer in time. */
export function noAnswerMessage(bootstrap: string, ms: number): string {
  return `cannot connect to Kafka at ${bootstrap}: no answer within ${ms / 1000} s (is a Kafka broker listening there?)`;
}

interface MetadataClient {
  metadata(options: { topics: string[] }): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

/**
 * Asks the cluster for its metadata once, within connectTimeoutMs(); the error says whether
 * nothing answered in time or the connection failed. On failure the client is closed (not
 * awaited: closing may wait for the request that never got an answer), unless it is shared
 * (`closeOnFailure: false`: the worker closes it).
 */
export async function firstContact(client: MetadataClient, bootstrap: readonly string[], what: string, { closeOnFailure = true } = {}): Promise<void> {
  const ms = connectTimeoutMs();
  const servers = bootstrap.join(',');
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KafkaConnectorError(SluiceErrorCodes.KAFKA_UNREACHABLE, noAnswerMessage(servers, ms), undefined, { bootstrap: servers })), ms);
  });
  try {
    await Promise.race([client.metadata({ topics: [] }), silent]);
  } catch (e) {
    if (closeOnFailure) void client.close(true).catch(() => {});
    if (e instanceof KafkaConnectorError) throw e;
    throw new KafkaConnectorError(SluiceErrorCodes.KAFKA_UNREACHABLE, `${what} cannot reach Kafka at ${servers}; is it running?`, e, { bootstrap: servers });
  } finally {
    clearTimeout(timer);
  }
}
