// The group coordinator's surface for the rest of the broker.
export { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator.ts';
export { FileOffsetStore, type FileOffsetStoreOptions } from './file-offset-store.ts';
export { MemoryOffsetStore, type OffsetLogEntry, type OffsetStore } from './offset-log.ts';
export type { TxnOffsetCommitRequest, TxnOffsetCommitResponse, TxnOffsets } from './txn-offsets.ts';
export type * from './messages.ts';
export type { GroupState } from './group.ts';
