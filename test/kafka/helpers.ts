import { ClientSupplier, type ProducerSettings } from '../../src/kafka/client-supplier.ts';
import { startTestBroker } from '../helpers/broker.ts';

export type TestBroker = Awaited<ReturnType<typeof startTestBroker>>;

let clients = 0;

/** A ClientSupplier for the test broker; fast retries so failures surface quickly. */
export function supplierFor(bootstrap: string, producer: ProducerSettings = { kind: 'idempotent' }, name = `test-${clients++}`): ClientSupplier {
  return new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap], retryDelay: 100, retries: 5 }, clientId: name, producer });
}

/** The error thrown by `fn`, or a failure if it resolves. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}
