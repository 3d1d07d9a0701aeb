import type { KafkaClientProvider, KafkaClients, KafkaConnection } from '../../core/kafka-clients.ts';
import { ClientSupplier } from '../../kafka/client-supplier.ts';

/**
 * The worker's clients of the cluster `connection` points at; outside a worker (a reader or writer
 * created by hand) a private set that the caller closes (`owned`).
 */
export function workerClientsOf(provider: KafkaClientProvider | undefined, connection: KafkaConnection, clientId: string): { clients: KafkaClients; owned: ClientSupplier | undefined } {
  if (provider !== undefined) return { clients: provider.clients(connection), owned: undefined };
  const { clientId: _ignored, ...rest } = connection;
  const owned = new ClientSupplier({ connection: rest, clientId, producer: { kind: 'idempotent' } });
  return { clients: owned, owned };
}
