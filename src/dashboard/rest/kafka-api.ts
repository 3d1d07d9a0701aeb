import { badRequest, forbidden } from '../errors.ts';
import type { Viewer } from '../http/basic-auth.ts';
import type { Router } from '../http/router.ts';
import type { DashboardClients } from '../kafka/clients.ts';
import type { KafkaClusterView } from '../kafka/cluster-view.ts';
import { browsePartition } from '../kafka/message-browser.ts';

/**
 * The broker pages' endpoints, read through the Kafka protocol (any Kafka cluster):
 *
 *   GET /kafka/cluster                                  cluster id, controller, brokers
 *   GET /kafka/topics                                   topics with partitions, messages, sizes
 *   GET /kafka/topics/:topic                            partitions with leader, replicas, offsets, sizes
 *   GET /kafka/topics/:topic/partitions/:p/messages     ?offset=&limit=&isolation=read_committed
 *   GET /kafka/groups                                   groups with state, members, total lag
 *   GET /kafka/groups/:group                            members, assignments, committed offsets and lag
 *
 * With HTTP Basic users, each user sees what Kafka would show them: topics and groups they may
 * DESCRIBE (others are left out of lists and answer 403), and messages of topics they may READ.
 */
export function registerKafkaRoutes(router: Router, view: KafkaClusterView, clients: DashboardClients): void {
  const kafka = { kafka: true };
  router
    .get('/kafka/cluster', async () => ({ json: await view.cluster() }), kafka)
    .get('/kafka/topics', async (_p, _q, viewer) => ({ json: await view.topics(describable(viewer, 'TOPIC')) }), kafka)
    .get('/kafka/topics/:topic', async ([topic], _q, viewer) => ({ json: await view.topic(allowed(viewer, 'DESCRIBE', 'TOPIC', topic!)) }), kafka)
    .get(
      '/kafka/topics/:topic/partitions/:partition/messages',
      async ([topic, partition], query, viewer) => {
        allowed(viewer, 'READ', 'TOPIC', topic!);
        const isolation = query.get('isolation') ?? 'read_uncommitted';
        if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') throw badRequest(`isolation must be read_uncommitted or read_committed, got "${isolation}"`);
        const options: Parameters<typeof browsePartition>[3] = { isolation };
        const offset = integerParam(query, 'offset');
        const limit = integerParam(query, 'limit');
        if (offset !== undefined) options.offset = offset;
        if (limit !== undefined) options.limit = limit;
        return { json: await browsePartition(clients, topic!, partitionParam(partition!), options) };
      },
      kafka,
    )
    .get('/kafka/groups', async (_p, _q, viewer) => ({ json: { groups: await view.groups(describable(viewer, 'GROUP'), describable(viewer, 'TOPIC')) } }), kafka)
    .get('/kafka/groups/:group', async ([group], _q, viewer) => ({ json: await view.group(allowed(viewer, 'DESCRIBE', 'GROUP', group!), describable(viewer, 'TOPIC')) }), kafka);
}

const describable = (viewer: Viewer, type: 'TOPIC' | 'GROUP') => (name: string) => viewer.can('DESCRIBE', type, name);

/** `name` when the viewer may do `operation` on it; a 403 otherwise (asked before looking, so it tells nothing about existence). */
function allowed(viewer: Viewer, operation: 'DESCRIBE' | 'READ', type: 'TOPIC' | 'GROUP', name: string): string {
  if (!viewer.can(operation, type, name)) throw forbidden(`User:${viewer.user} may not ${operation} ${type.toLowerCase()} "${name}": ask an administrator for an ACL (sluice acls --add --allow-principal User:${viewer.user} --operation ${operation} --${type.toLowerCase()} ${name})`);
  return name;
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d{1,16}$/.test(raw)) throw badRequest(`${name} must be an integer, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

function partitionParam(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`the partition must be a non-negative integer, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}
