// What the fetch loop loads with its first fetch (one dynamic import for both).
export { fetchWithCodec, FetchRequestError } from './fetch-request.ts';
export { readFetchedBatches, CorruptBatchError } from './fetched-batches.ts';
