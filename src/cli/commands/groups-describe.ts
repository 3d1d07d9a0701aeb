import type { Command } from 'commander';
import type { Admin, Group } from '@platformatic/kafka';
import { CliError } from '../cli-error.ts';
import { withAdmin } from '../clients.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';

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
      const text = await withAdmin(ctx, async (admin) => {
        try {
          return await describeGroup(admin, groupId);
        } catch (err) {
          if (err instanceof CliError) throw err;
          throw new CliError(`cannot describe group "${groupId}"`, { cause: err });
        }
      });
      process.stdout.write(text);
    });
}

async function describeGroup(admin: Admin, groupId: string): Promise<string> {
  const described = await admin.describeGroups({ groups: [groupId] });
  const group = described.get(groupId);
  const [offsets] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const committed = (offsets?.topics ?? []).flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset })),
  );
  if (!group || (String(group.state).toLowerCase() === 'dead' && committed.length === 0)) {
    throw new CliError(`group "${groupId}" does not exist`);
  }

  // One row per partition that is assigned or has a committed offset.
  const rows = new Map<string, PartitionRow>();
  const row = (topic: string, partition: number) => {
    const key = `${topic}\u0000${partition}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { topic, partition, committed: undefined, end: undefined, member: '-' }));
    return r;
  };
  for (const member of group.members.values()) {
    for (const a of member.assignments?.values() ?? []) {
      for (const p of a.partitions) row(a.topic, p).member = member.id;
    }
  }
  for (const c of committed) if (c.offset >= 0n) row(c.topic, c.partition).committed = c.offset;
  await fillEndOffsets(admin, [...rows.values()]);

  let out = `Group: ${groupId}\nState: ${group.state}\n`;
  out += `Protocol: ${group.protocolType || '-'}${group.protocol ? ` (${group.protocol})` : ''}\n`;
  out += `Members: ${group.members.size}\n`;
  if (group.members.size > 0) out += '\n' + formatTable(['MEMBER', 'CLIENT ID', 'HOST', 'ASSIGNMENT'], memberRows(group));
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

function memberRows(group: Group): string[][] {
  return [...group.members.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((m) => {
      const assignment = [...(m.assignments?.values() ?? [])]
        .map((a) => `${a.topic}[${[...a.partitions].sort((x, y) => x - y).join(',')}]`)
        .join(' ');
      return [m.id, m.clientId, m.clientHost, assignment || '-'];
    });
}

/** Sets `end` (the log end offset) on each row; topics that no longer exist keep `-`. */
async function fillEndOffsets(admin: Admin, rows: PartitionRow[]): Promise<void> {
  const byTopic = new Map<string, PartitionRow[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  if (byTopic.size === 0) return;
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const topics = [...byTopic.entries()].filter(([t]) => existing.has(t));
  if (topics.length === 0) return;
  const result = await admin.listOffsets({
    topics: topics.map(([name, rs]) => ({ name, partitions: rs.map((r) => ({ partitionIndex: r.partition, timestamp: -1n })) })),
  });
  for (const t of result) {
    for (const p of t.partitions) {
      const r = byTopic.get(t.name)?.find((x) => x.partition === p.partitionIndex);
      if (r && p.offset >= 0n) r.end = p.offset;
    }
  }
}
