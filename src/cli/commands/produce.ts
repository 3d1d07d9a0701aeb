import { createReadStream } from 'node:fs';
import { stat as stat_ } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { choiceOption, intOption } from '../option-parsers.ts';

const ACKS = ['all', '-1', '1', '0'] as const;
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

interface ProduceOptions {
  file?: string;
  keySeparator?: string;
  partition?: number;
  acks: (typeof ACKS)[number];
  compression: (typeof COMPRESSIONS)[number];
  skipEmpty?: boolean;
  progress: boolean;
}

/** `sluice produce TOPIC`: one record per line of stdin (or of --file). */
export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description('send one record per input line (stdin, or --file) to a topic')
    .argument('<topic>', 'topic to write to')
    .option('-f, --file <path>', 'read lines from this file instead of stdin')
    .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('--partition <n>', 'write every record to this partition (default: by key, or spread)', intOption('--partition', 0))
    .option('--acks <acks>', 'all | 1 | 0', choiceOption('--acks', ACKS), 'all')
    .option('--compression <codec>', COMPRESSIONS.join(' | '), choiceOption('--compression', COMPRESSIONS), 'none')
    .option('--skip-empty', 'ignore empty lines instead of sending empty values')
    .option('--no-progress', 'no progress line on stderr (shown only when stderr is a terminal)')
    .action(async (topic: string, opts: ProduceOptions, command: Command) => {
      const ctx = cliContext(command);
      if (opts.keySeparator === '') throw new CliError('--key-separator must not be empty');
      const input = opts.file ? await openFile(opts.file) : process.stdin;
      // The implementation loads once the options are known to be good.
      const [{ connectCluster }, { RecordProducer, COMPRESSION_CODECS }, { BatchSender }, { parseLine }, { requireTopic }] = await Promise.all([
        import('../wire/cli-cluster.ts'),
        import('../wire/record-producer.ts'),
        import('../produce/batch-sender.ts'),
        import('../produce/line-parser.ts'),
        import('../topic-lookup.ts'),
      ]);
      const cluster = await connectCluster(ctx, 'sluice-cli-producer');
      let metadata;
      try {
        metadata = await requireTopic(cluster, topic);
        const count = metadata.partitions.length;
        if (opts.partition !== undefined && opts.partition >= count) {
          throw new CliError(`--partition ${opts.partition} does not exist: topic "${topic}" has ${count} partition${count === 1 ? '' : 's'} (0-${count - 1})`);
        }
      } catch (err) {
        cluster.close();
        throw err;
      }
      const sender = new BatchSender(new RecordProducer(cluster, metadata), {
        partition: opts.partition,
        acks: opts.acks === 'all' ? -1 : Number(opts.acks),
        compression: COMPRESSION_CODECS[opts.compression],
      });
      let lineNumber = 0;
      const lines = createInterface({ input, crlfDelay: Infinity });
      // Ctrl-C ends the input like Ctrl-D: what was read is sent and counted.
      const onSignal = () => lines.close();
      process.once('SIGINT', onSignal);
      // Of a file, the bar follows the bytes read (its size is known); of stdin, the count only.
      const fileStream = input as Readable & { bytesRead?: number; size?: number };
      const progress = opts.progress
        ? (await import('../progress/progress-bar.ts')).startProgress({
            stream: process.stderr,
            label: 'sending',
            ...(opts.file
              ? { unit: 'bytes', read: () => ({ done: fileStream.bytesRead ?? 0, total: fileStream.size, note: `${sender.sent} records sent` }) }
              : { unit: 'records', read: () => ({ done: sender.sent }) }),
            now: () => performance.now(),
          })
        : undefined;
      try {
        for await (const line of lines) {
          lineNumber++;
          if (line === '' && opts.skipEmpty) continue;
          const { key, value } = parseLine(line, lineNumber, opts.keySeparator);
          await sender.add(key, value);
        }
        await sender.flush();
      } catch (err) {
        // A bad line stops the input: what came before it is still sent.
        if (err instanceof CliError) await sender.flush().catch(() => {});
        const sentBefore = `${sender.sent} ${sender.sent === 1 ? 'record was' : 'records were'} sent before`;
        if (err instanceof CliError) throw new CliError(`${err.message} (${sentBefore})`, { cause: err.cause });
        throw new CliError(`cannot send to topic "${topic}" (${sentBefore})`, { cause: err });
      } finally {
        progress?.stop();
        process.off('SIGINT', onSignal);
        cluster.close();
      }
      process.stdout.write(`Sent ${sender.sent} record${sender.sent === 1 ? '' : 's'} to ${topic}\n`);
    });
}

/** Opens a file for reading, failing with a clear message before anything is sent. */
async function openFile(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new CliError(`cannot read ${path}`, { cause: err })));
  });
  // Its size, for the progress line (a FIFO or a device has none that means anything).
  const stat = await stat_(path).catch(() => undefined);
  return Object.assign(stream, { size: stat?.isFile() ? stat.size : undefined });
}
