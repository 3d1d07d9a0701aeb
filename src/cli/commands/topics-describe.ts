import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';
import type { ClusterClient } from '../wire/cluster-client.ts';

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

/** `sluice topics describe NAME`: partitions with leaders and offsets, then the topic's configs. */
export function registerTopicsDescribe(topics: Command): void {
  topics
    .command('describe')
    .description('show partitions (leader, replicas, earliest and latest offsets) and configs of a topic')
    .argument('<name>', 'topic name')
    .option('--all-configs', 'list every config, not only those set on the topic')
    .action(async (name: string, opts: { allConfigs?: boolean }, command: Command) => {
      const ctx = cliContext(command);
      const { withCluster } = await import('../wire/cli-cluster.ts');
      const { BrokerConnectionError } = await import('../wire/wire-errors.ts');
      const text = await withCluster(ctx, async (cluster) => {
        try {
          return await describeTopic(cluster, name, Boolean(opts.allConfigs));
        } catch (err) {
          if (err instanceof CliError || err instanceof BrokerConnectionError) throw err;
          throw new CliError(`cannot describe topic "${name}"`, { cause: err });
        }
      });
      process.stdout.write(text);
    });
}

async function describeTopic(cluster: ClusterClient, name: string, allConfigs: boolean): Promise<string> {
  const { describeTopicConfigs, listOffsets, EARLIEST, LATEST } = await import('../wire/topic-admin.ts');
  const { requireTopic } = await import('../topic-lookup.ts');
  const topic = await requireTopic(cluster, name);
  const [earliest, latest, configs] = await Promise.all([
    listOffsets(cluster, topic, EARLIEST, 0),
    listOffsets(cluster, topic, LATEST, 0),
    describeTopicConfigs(cluster, name),
  ]);
  const partitions = [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);

  const rows = partitions.map((p) => {
    const i = p.partitionIndex;
    const low = earliest[i];
    const high = latest[i];
    return [
      String(i),
      String(p.leaderId),
      p.replicaNodes.join(','),
      p.isrNodes.join(','),
      low === undefined ? '-' : String(low),
      high === undefined ? '-' : String(high),
      low === undefined || high === undefined ? '-' : String(high - low),
    ];
  });
  const entries = configs
    .filter((c) => allConfigs || c.configSource === TOPIC_CONFIG)
    .sort((a, b) => a.name.localeCompare(b.name));
  const configRows = entries.map((c) => [
    c.name,
    c.isSensitive ? '(sensitive)' : (c.value ?? '(null)'),
    CONFIG_SOURCES[c.configSource] ?? 'unknown',
  ]);

  let out = `Topic: ${name}\nTopic ID: ${topic.topicId}\nPartitions: ${topic.partitions.length}\n\n`;
  out += formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'MESSAGES'], rows);
  out += allConfigs ? '\nConfigs:\n' : '\nConfigs set on the topic (--all-configs lists every config):\n';
  out += configRows.length ? formatTable(['NAME', 'VALUE', 'SOURCE'], configRows) : '(none)\n';
  return out;
}
