// The embedded Kafka-compatible broker (`sluice/broker`).
export { startBroker, BrokerStartError, type BrokerOptions, type RunningBroker } from './broker.ts';
export type { FlushPolicy } from './log/flush-policy.ts';
export type { BrokerAccess } from './security/broker-access.ts';
