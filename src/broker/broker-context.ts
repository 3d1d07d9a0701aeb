import type { LogManager } from './log/log-manager.ts';
import type { Flusher } from './log/flush-policy.ts';
import type { GroupCoordinator } from './group/coordinator.ts';
import type { TransactionCoordinator } from './txn/transaction-coordinator.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/logger.ts';
import type { BrokerSettings } from './config/broker-settings.ts';
import type { LimitWarnings } from './limit-warnings.ts';
import type { BrokerSecurity } from './security/broker-security.ts';
import type { RequestAuthorizer } from './security/acl/request-authorizer.ts';
import type { Listener } from './server/listener.ts';
import type { ConnectionSession } from './server/connection-session.ts';
import type { ClientQuotaStore } from './quota/client-quotas.ts';

/** Broker-wide state and settings that request handlers use. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  /** Advertised host and port of the first listener (handlers answer with the request's listener). */
  readonly host: string;
  readonly port: number;
  /** Credentials, ACLs and principal mapping. */
  readonly security: BrokerSecurity;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly txns: TransactionCoordinator;
  readonly flusher: Flusher;
  readonly clock: Clock;
  readonly log: Logger;
  /** Broker configs in Kafka's layers (static, dynamic); read at use so dynamic changes apply. */
  readonly settings: BrokerSettings;
  /** Client quotas (DescribeClientQuotas / AlterClientQuotas): stored, not enforced. */
  readonly quotas: ClientQuotaStore;
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
  /** The listener the request came in on: Metadata and FindCoordinator advertise its address. */
  readonly listener: Listener;
  /** The connection's principal and SASL state. */
  readonly session: ConnectionSession;
  /** Authorization checks of this request (allows everything when no authorizer is configured). */
  readonly authz: RequestAuthorizer;
}

/**
 * Handles one decoded request body and returns the response body, `null` for no response
 * (acks=0 produce), or a promise of either. Throwing closes the client's connection.
 */
export type Handler = (ctx: RequestContext, body: any) => object | null | Promise<object | null>;
