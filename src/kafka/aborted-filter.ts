import type { Consumer } from '@platformatic/kafka';
import { ABORT_MARKER, AbortedTransactions } from './aborted-transactions.ts';
import { kafkaClientLibrary } from './client-library.ts';

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/**
 * Removes the data batches of aborted transactions from a read_committed Fetch response, as
 * Kafka's Java consumer does: an aborted transaction listed by the broker starts at its first
 * offset and ends at its producer's next abort marker. Control batches are kept (they advance
 * the fetch position; nothing prints them). Running it twice on a response changes nothing.
 */
export function dropAbortedBatches(response: FetchResponse): void {
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (!partition.records || !partition.abortedTransactions?.length) continue;
      const aborted = new AbortedTransactions(partition.abortedTransactions);
      partition.records = partition.records.filter(
        (batch) => !aborted.drops(batch.producerId, batch.firstOffset + BigInt(batch.lastOffsetDelta), batch.attributes, () => batch.records[0]?.key?.readInt16BE(2) === ABORT_MARKER),
      );
    }
  }
}

type ApiCallback = (error: (Error & { response?: unknown }) | null, result?: unknown) => void;
type RawApi = (...args: unknown[]) => unknown;
type GetApi = (name: string, callback: (error: Error | null, api?: RawApi) => void) => void;

const wrappedFetchApis = new WeakMap<RawApi, RawApi>();
const wrappers = new WeakSet<RawApi>();

/**
 * Makes a consumer filter its read_committed Fetch responses with `dropAbortedBatches` instead of
 * with @platformatic/kafka's own filter. That filter (2.12, inside `consumer.fetch`, where no
 * caller can undo it) keeps one aborted range per producer, from its last listed aborted
 * transaction to its LAST abort marker in the response. An abort marker of an empty transaction
 * (the partition was added, no record landed: Kafka does not list it) then stretches the range
 * over the committed transactions before it, and their records are silently dropped; a restarted
 * exactly-once worker restored an old checkpoint record that way.
 *
 * The consumer's Fetch API is wrapped: each response (also the partial one of a failed request)
 * is filtered here first, then its aborted lists are emptied, so the library's filter finds
 * nothing to do.
 */
export function filterAbortedTransactionsOurselves(consumer: Consumer<never, never, never, never> | Consumer): void {
  const kGetApi = kafkaClientLibrary().kGetApi;
  const target = consumer as unknown as Record<symbol, GetApi>;
  const getApi = target[kGetApi]!.bind(consumer);
  target[kGetApi] = (name, callback) =>
    getApi(name, (error, api) => {
      if (error !== null || name !== 'Fetch' || api === undefined) callback(error, api);
      else callback(null, filteredFetch(api));
    });
}

function filteredFetch(api: RawApi): RawApi {
  // The library's getter calls itself again once it has listed the APIs: wrap once.
  if (wrappers.has(api)) return api;
  let wrapped = wrappedFetchApis.get(api);
  if (wrapped === undefined) {
    wrapped = new Proxy(api, {
      apply(fn, self, args: unknown[]) {
        const done = args[args.length - 1];
        if (typeof done === 'function') {
          args[args.length - 1] = ((error, result) => {
            const response = (result ?? error?.response) as FetchResponse | undefined;
            if (response?.responses !== undefined) takeOverAbortedFiltering(response);
            (done as ApiCallback)(error, result);
          }) satisfies ApiCallback;
        }
        return Reflect.apply(fn, self, args);
      },
    });
    wrappedFetchApis.set(api, wrapped);
    wrappers.add(wrapped);
  }
  return wrapped;
}

function takeOverAbortedFiltering(response: FetchResponse): void {
  dropAbortedBatches(response);
  for (const topic of response.responses) for (const partition of topic.partitions) if (partition.abortedTransactions?.length) partition.abortedTransactions = [];
}
