// RecordBatch v2: the unit of storage and transfer for Kafka records.
export * from './batch-header.ts';
export * from './batch-validation.ts';
export * from './record-batch.ts';
export { decompress, compress, UnsupportedCompressionError, CorruptCompressedDataError } from './compression.ts';
