// The read_committed filter lives in the Kafka substrate (src/kafka); re-exported for existing imports.
export { dropAbortedBatches } from '../../kafka/aborted-filter.ts';
