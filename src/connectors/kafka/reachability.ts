/** Moved to src/kafka (the runtime checks reachability too); connectors keep importing it from here. */
export * from '../../kafka/reachability.ts';
