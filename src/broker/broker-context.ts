import type { LogManager } from './log/log-manager.ts';
import type { Flusher } from './log/flush-policy.ts';
import type { GroupCoordinator } from './group/coordinator.ts';
import type { TransactionCoordinator } from './txn/transaction-coordinator.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/logger.ts';
import type { BrokerSettings } from './config/broker-settings.ts';
import type { LimitWarnings } from './limit-warnings.ts';

/** Broker-wide state and settings that request handlers use. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  /** Advertised host and port (what Metadata and FindCoordinator answer). */
  readonly host: string;
  readonly port: number;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly txns: TransactionCoordinator;
  readonly flusher: Flusher;
  readonly clock: Clock;
  readonly log: Logger;
  /** Broker configs in Kafka's layers (static, dynamic); read at use so dynamic changes apply. */
  readonly settings: BrokerSettings;
  /** Rate-limited warn lines of limits that refuse clients. */
  readonly warnings: LimitWarnings;
  /** Upper bound for a Fetch long poll, whatever the client asks. */
  readonly maxFetchWaitMs: number;
}

/** One request as a handler sees it. */
export interface RequestContext {
  readonly broker: BrokerContext;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly clientHost: string;
}

/**
 * Handles one decoded request body and returns the response body, `null` for no response
 * (acks=0 produce), or a promise of either. Throwing closes the client's connection.
 */
export type Handler = (ctx: RequestContext, body: any) => object | null | Promise<object | null>;
