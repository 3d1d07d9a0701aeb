import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Clock } from '../util/clock.ts';

/** Where rebalances are recorded (the worker's `RebalanceStats`). */
export interface RebalanceRecorder {
  started(now: number): void;
  ended(now: number, ok?: boolean): void;
}

/** @platformatic/kafka announces every client it creates here (`{ type, instance }`). */
const INSTANCES = 'plt:kafka:instances';

/**
 * Records the rebalances of the group consumers whose client id starts with `clientIdPrefix` (a
 * worker's sources with `partitionAssignment: 'group'`): one starts when the consumer revokes its
 * partitions (`consumer:group:rebalance`) and ends when it has its new assignment
 * (`consumer:group:join`); the pause in between is the rebalance latency. A consumer's first join
 * is not a rebalance. Subscribing by channel name loads nothing. Returns the function that stops.
 */
export function watchRebalances(clientIdPrefix: string, clock: Clock, stats: RebalanceRecorder): () => void {
  const onCreated = (message: unknown): void => {
    const { type, instance } = message as { type?: string; instance?: { clientId?: unknown; on?: (event: string, f: () => void) => void } };
    if (type !== 'consumer' || typeof instance?.clientId !== 'string' || !instance.clientId.startsWith(clientIdPrefix) || instance.on === undefined) return;
    instance.on('consumer:group:rebalance', () => stats.started(clock.now()));
    instance.on('consumer:group:join', () => stats.ended(clock.now(), true));
  };
  subscribe(INSTANCES, onCreated);
  return () => unsubscribe(INSTANCES, onCreated);
}
