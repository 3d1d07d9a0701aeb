import type { BytesConsumer } from '../clients.ts';
import { dropAbortedBatches } from '../../kafka/aborted-filter.ts';

type FetchResponse = Awaited<ReturnType<BytesConsumer['fetch']>>;

type FetchCallback = (error: Error | null, response?: FetchResponse) => void;

/**
 * Applies dropAbortedBatches to every Fetch response of `consumer`, including those of the
 * message streams it creates (they fetch through `consumer.fetch` with a callback).
 */
export function filterAbortedFetches(consumer: BytesConsumer): void {
  const original = consumer.fetch.bind(consumer) as (options: unknown, callback?: FetchCallback) => unknown;
  const patched = (options: unknown, callback?: FetchCallback): unknown => {
    if (typeof callback !== 'function') {
      return (original(options) as Promise<FetchResponse>).then((response) => {
        dropAbortedBatches(response);
        return response;
      });
    }
    return original(options, (error, response) => {
      if (response) dropAbortedBatches(response);
      callback(error, response);
    });
  };
  (consumer as unknown as { fetch: typeof patched }).fetch = patched;
}
