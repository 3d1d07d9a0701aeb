import type { Command } from 'commander';
import { cliContext } from '../context.ts';
import type { RecordReader } from '../consume/record.ts';
import { CliError } from '../cli-error.ts';
import { choiceOption, intOption } from '../option-parsers.ts';

const ISOLATION = ['read_uncommitted', 'read_committed'] as const;

interface ConsumeOptions {
  group?: string;
  fromBeginning?: boolean;
  maxMessages?: number;
  printKey?: boolean;
  isolation: (typeof ISOLATION)[number];
  timeoutMs?: number;
}

/** `sluice consume TOPIC`: prints one value (or key<TAB>value) per line. */
export function registerConsumeCommand(program: Command): void {
  program
    .command('consume')
    .description('print the records of a topic, one value per line')
    .argument('<topic>', 'topic to read')
    .option('-g, --group <id>', 'consume as a member of this group and commit what was printed')
    .option('--from-beginning', 'start at the earliest offset (with --group: when the group has no committed offset)')
    .option('-n, --max-messages <n>', 'exit after printing this many records', intOption('--max-messages', 1))
    .option('--print-key', 'print key<TAB>value')
    .option('--isolation <level>', ISOLATION.join(' | '), choiceOption('--isolation', ISOLATION), 'read_uncommitted')
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long', intOption('--timeout-ms', 1))
    .action(async (topic: string, opts: ConsumeOptions, command: Command) => {
      const ctx = cliContext(command);
      if (opts.group !== undefined && opts.group.trim() === '') throw new CliError('--group must not be empty');
      const isolationLevel = opts.isolation === 'read_committed' ? 1 : 0;
      // The implementation loads once the options are known to be good.
      const [{ AssignedReader, isUnknownTopic }, { GroupReader }, { formatRecord }, { StdoutWriter }] = await Promise.all([
        import('../consume/assigned-reader.ts'),
        import('../consume/group-reader.ts'),
        import('../consume/record.ts'),
        import('../consume/stdout-writer.ts'),
      ]);
      let stopping = false;
      const onSignal = () => {
        // A second Ctrl-C exits at once.
        if (stopping) process.exit(130);
        stopping = true;
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      const reader: RecordReader = opts.group
        ? await GroupReader.open(ctx, topic, opts.group, Boolean(opts.fromBeginning), isolationLevel)
        : await AssignedReader.open(ctx, topic, Boolean(opts.fromBeginning), isolationLevel);
      const out = new StdoutWriter();
      const max = opts.maxMessages ?? Infinity;
      let count = 0;
      let lastRecordAt = Date.now();
      try {
        while (!stopping && count < max && !out.closed) {
          const records = await reader.poll();
          if (records.length === 0) {
            if (opts.timeoutMs !== undefined && Date.now() - lastRecordAt >= opts.timeoutMs) break;
            continue;
          }
          lastRecordAt = Date.now();
          const take = records.slice(0, max - count);
          await out.write(take.map((r) => formatRecord(r, Boolean(opts.printKey))));
          for (const r of take) reader.printed(r);
          count += take.length;
        }
      } catch (err) {
        if (isUnknownTopic(err)) throw new CliError(`topic "${topic}" no longer exists (after ${count} record${count === 1 ? '' : 's'})`);
        throw new CliError(`cannot consume from topic "${topic}"`, { cause: err });
      } finally {
        await reader.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stderr.write(`Consumed ${count} record${count === 1 ? '' : 's'}\n`);
    });
}
