import type { Command } from 'commander';
import type { Admin } from '@platformatic/kafka';
import { CliError } from '../cli-error.ts';
import { withAdmin } from '../clients.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';
import { requireTopic } from '../topic-lookup.ts';

/** ConfigSources of DescribeConfigs, as words. */
const CONFIG_SOURCES: Record<number, string> = {
  1: 'topic',
  2: 'broker (dynamic)',
  3: 'broker default (dynamic)',
  4: 'broker (static)',
  5: 'default',
  8: 'group',
};

const TOPIC_CONFIG = 1;
const EARLIEST = -2n;
const LATEST = -1n;

/** `sluice topics describe NAME`: partitions with leaders and offsets, then the topic's configs. */
export function registerTopicsDescribe(topics: Command): void {
  topics
    .command('describe')
    .description('show partitions (leader, replicas, earliest and latest offsets) and configs of a topic')
    .argument('<name>', 'topic name')
    .option('--all-configs', 'list every config, not only those set on the topic')
    .action(async (name: string, opts: { allConfigs?: boolean }, command: Command) => {
      const ctx = cliContext(command);
      const text = await withAdmin(ctx, async (admin) => {
        await requireTopic(admin, name);
        try {
          return await describeTopic(admin, name, Boolean(opts.allConfigs));
        } catch (err) {
          throw new CliError(`cannot describe topic "${name}"`, { cause: err });
        }
      });
      process.stdout.write(text);
    });
}

async function describeTopic(admin: Admin, name: string, allConfigs: boolean): Promise<string> {
  const metadata = await admin.metadata({ topics: [name], forceUpdate: true });
  const topic = metadata.topics.get(name);
  if (!topic) throw new CliError(`topic "${name}" does not exist`);
  const indexes = topic.partitions.map((_, i) => i);
  const [earliest, latest, configs] = await Promise.all([
    listOffsets(admin, name, indexes, EARLIEST),
    listOffsets(admin, name, indexes, LATEST),
    admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: name }] }),
  ]);

  const rows = topic.partitions.map((p, i) => {
    const low = earliest.get(i);
    const high = latest.get(i);
    return [
      String(i),
      String(p.leader),
      p.replicas.join(','),
      p.isr.join(','),
      low === undefined ? '-' : String(low),
      high === undefined ? '-' : String(high),
      low === undefined || high === undefined ? '-' : String(high - low),
    ];
  });
  const entries = (configs[0]?.configs ?? [])
    .filter((c) => allConfigs || c.configSource === TOPIC_CONFIG)
    .sort((a, b) => a.name.localeCompare(b.name));
  const configRows = entries.map((c) => [
    c.name,
    c.isSensitive ? '(sensitive)' : (c.value ?? '(null)'),
    CONFIG_SOURCES[c.configSource] ?? 'unknown',
  ]);

  let out = `Topic: ${name}\nTopic ID: ${topic.id}\nPartitions: ${topic.partitionsCount}\n\n`;
  out += formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'MESSAGES'], rows);
  out += allConfigs ? '\nConfigs:\n' : '\nConfigs set on the topic (--all-configs lists every config):\n';
  out += configRows.length ? formatTable(['NAME', 'VALUE', 'SOURCE'], configRows) : '(none)\n';
  return out;
}

/** Offsets of `partitions` at a special timestamp (-2 earliest, -1 latest), by partition. */
async function listOffsets(admin: Admin, topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> {
  const result = await admin.listOffsets({
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
  });
  const offsets = new Map<number, bigint>();
  for (const t of result) for (const p of t.partitions) offsets.set(p.partitionIndex, p.offset);
  return offsets;
}
