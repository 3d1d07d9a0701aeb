import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';
import type { ClusterClient } from '../wire/cluster-client.ts';
import type { AssignedPartitions } from '../wire/consumer-assignment.ts';
import type { DescribedGroup } from '../wire/group-admin.ts';

interface PartitionRow {
  topic: string;
  partition: number;
  committed: bigint | undefined;
  end: bigint | undefined;
  member: string;
}

/** `sluice groups describe G`: state, members and their assignment, committed offsets and lag. */
export function registerGroupsDescribe(groups: Command): void {
  groups
    .command('describe')
    .description('show a group: state, members, assignment, committed offsets and lag')
    .argument('<group>', 'group id')
    .action(async (groupId: string, _opts: object, command: Command) => {
      const ctx = cliContext(command);
      const { withCluster } = await import('../wire/cli-cluster.ts');
      const text = await withCluster(ctx, async (cluster) => {
        try {
          return await describeGroup(cluster, groupId);
        } catch (err) {
          if (err instanceof CliError) throw err;
          throw new CliError(`cannot describe group "${groupId}"`, { cause: err });
        }
      });
      process.stdout.write(text);
    });
}

async function describeGroup(cluster: ClusterClient, groupId: string): Promise<string> {
  const [admin, { decodeConsumerAssignment }] = await Promise.all([import('../wire/group-admin.ts'), import('../wire/consumer-assignment.ts')]);
  const { group, committed } = await admin.describeGroup(cluster, groupId);
  // Kafka answers a group it does not know as Dead with no members, not with an error.
  if (group.groupState.toLowerCase() === 'dead' && committed.length === 0) {
    throw new CliError(`group "${groupId}" does not exist`);
  }
  const members = group.members.map((m) => ({
    ...m,
    // Only the consumer protocol's assignment has a known layout (Kafka Connect's, say, does not).
    assignments: group.protocolType === 'consumer' ? (decodeConsumerAssignment(m.memberAssignment) ?? []) : [],
  }));

  // One row per partition that is assigned or has a committed offset.
  const rows = new Map<string, PartitionRow>();
  const row = (topic: string, partition: number) => {
    const key = `${topic}\u0000${partition}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { topic, partition, committed: undefined, end: undefined, member: '-' }));
    return r;
  };
  for (const member of members) {
    for (const a of member.assignments) {
      for (const p of a.partitions) row(a.topic, p).member = member.memberId;
    }
  }
  for (const c of committed) if (c.offset >= 0n) row(c.topic, c.partition).committed = c.offset;
  await fillEndOffsets(cluster, [...rows.values()]);

  let out = `Group: ${groupId}\nState: ${group.groupState}\n`;
  out += `Protocol: ${group.protocolType || '-'}${group.protocolData ? ` (${group.protocolData})` : ''}\n`;
  out += `Members: ${members.length}\n`;
  if (members.length > 0) {
    // Static members (group.instance.id, KIP-345) get a column of their own; groups without them look as before.
    const withInstance = members.some((m) => m.groupInstanceId != null);
    const header = withInstance ? ['MEMBER', 'INSTANCE ID', 'CLIENT ID', 'HOST', 'ASSIGNMENT'] : ['MEMBER', 'CLIENT ID', 'HOST', 'ASSIGNMENT'];
    out += '\n' + formatTable(header, memberRows(members, withInstance));
  }
  const sorted = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (sorted.length > 0) {
    out += '\n';
    out += formatTable(
      ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'MEMBER'],
      sorted.map((r) => [
        r.topic,
        String(r.partition),
        r.committed === undefined ? '-' : String(r.committed),
        r.end === undefined ? '-' : String(r.end),
        lag(r),
        r.member,
      ]),
    );
    const total = sorted.reduce((sum, r) => (r.end === undefined ? sum : sum + r.end - (r.committed ?? r.end)), 0n);
    out += `\nTotal lag: ${total}\n`;
  }
  return out;
}

function lag(r: PartitionRow): string {
  if (r.end === undefined || r.committed === undefined) return '-';
  const l = r.end - r.committed;
  return String(l < 0n ? 0n : l);
}

type Member = DescribedGroup['members'][number] & { assignments: AssignedPartitions[] };

function memberRows(members: Member[], withInstance: boolean): string[][] {
  return [...members]
    .sort((a, b) => a.memberId.localeCompare(b.memberId))
    .map((m) => {
      const assignment = m.assignments.map((a) => `${a.topic}[${[...a.partitions].sort((x, y) => x - y).join(',')}]`).join(' ');
      const row = [m.memberId, m.clientId, m.clientHost, assignment || '-'];
      if (withInstance) row.splice(1, 0, m.groupInstanceId ?? '-');
      return row;
    });
}

/** Sets `end` (the log end offset) on each row; topics that no longer exist (or may not be described) keep `-`. */
async function fillEndOffsets(cluster: ClusterClient, rows: PartitionRow[]): Promise<void> {
  const byTopic = new Map<string, PartitionRow[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  if (byTopic.size === 0) return;
  const { listOffsets, LATEST } = await import('../wire/topic-admin.ts');
  const { topics } = await cluster.metadata([...byTopic.keys()]);
  await Promise.all(
    topics
      .filter((t) => t.errorCode === 0 && t.name !== null && byTopic.has(t.name))
      .map(async (t) => {
        const wanted = byTopic.get(t.name!)!.map((r) => r.partition);
        const ends = await listOffsets(cluster, t, LATEST, 0, wanted);
        for (const r of byTopic.get(t.name!)!) {
          const end = ends[r.partition];
          if (end !== undefined && end >= 0n) r.end = end;
        }
      }),
  );
}
