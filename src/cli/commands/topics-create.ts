import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { collectConfig, intOption, type ConfigEntry } from '../option-parsers.ts';

interface CreateOptions {
  partitions: number;
  replicationFactor: number;
  config: ConfigEntry[];
}

/** `sluice topics create NAME --partitions N [--replication-factor R] [--config key=value ...]` */
export function registerTopicsCreate(topics: Command): void {
  topics
    .command('create')
    .description('create a topic')
    .argument('<name>', 'topic name')
    .requiredOption('-p, --partitions <n>', 'number of partitions', intOption('--partitions', 1, 1_000_000))
    .option('-r, --replication-factor <n>', 'replicas per partition', intOption('--replication-factor', 1, 32767), 1)
    .option('-c, --config <key=value>', 'topic config, repeatable (e.g. retention.ms=86400000)', collectConfig, [])
    .action(async (name: string, opts: CreateOptions, command: Command) => {
      const ctx = cliContext(command);
      validateTopicName(name);
      const [{ withCluster }, { createTopic }] = await Promise.all([import('../wire/cli-cluster.ts'), import('../wire/topic-admin.ts')]);
      await withCluster(ctx, async (cluster) => {
        try {
          await createTopic(cluster, name, opts.partitions, opts.replicationFactor, opts.config.map((c) => ({ name: c.name, value: c.value })));
        } catch (err) {
          throw new CliError(`cannot create topic "${name}"`, { cause: err });
        }
      });
      const plural = opts.partitions === 1 ? 'partition' : 'partitions';
      process.stdout.write(`Created topic ${name} with ${opts.partitions} ${plural}\n`);
    });
}

/** Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..". */
export function validateTopicName(name: string): void {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name) || name === '.' || name === '..') {
    throw new CliError(`invalid topic name "${name}": use 1-249 characters from a-z, A-Z, 0-9, ".", "_" and "-"`);
  }
}
