import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { createProducer } from '../clients.ts';
import { cliContext } from '../context.ts';
import { choiceOption, intOption } from '../option-parsers.ts';

const ACKS = ['all', '-1', '1', '0'] as const;

interface GenerateOptions {
  topic: string;
  events?: number;
  rate?: number;
  eventRate?: number;
  seed: number;
  baseTime?: string;
  first: number;
  acks: (typeof ACKS)[number];
}

/** `sluice nexmark generate`: Nexmark's event stream into a Kafka topic. */
export function registerNexmarkCommand(program: Command): void {
  const nexmark = program.command('nexmark').description('the Nexmark streaming benchmark');
  nexmark
    .command('generate')
    .description("write Nexmark events (persons, auctions, bids) to a topic as Nexmark's JSON rows {event_type, person, auction, bid}")
    .option('-t, --topic <topic>', 'topic to write to (it must exist)', 'nexmark')
    .option('-n, --events <n>', 'how many events (default: until Ctrl-C)', intOption('--events', 1))
    .option('-r, --rate <n>', 'events per second (default: as fast as possible)', intOption('--rate', 1))
    .option('--event-rate <n>', 'events per second of event time: sets the events\' dateTime (default: --rate, else 10000)', intOption('--event-rate', 1))
    .option('--seed <n>', 'seed of the random data: the same seed gives the same events', intOption('--seed', 0), 0)
    .option('--base-time <time>', "event time of the first event: ms since the epoch, an ISO date, or 'now' (default 2015-07-15T00:00:00Z)")
    .option('--first <n>', 'number of the first event (to continue an earlier run)', intOption('--first', 0), 0)
    .option('--acks <acks>', 'all | 1 | 0', choiceOption('--acks', ACKS), 'all')
    .action(async (opts: GenerateOptions, command: Command) => {
      const ctx = cliContext(command);
      const now = opts.baseTime === 'now';
      const baseTime = now ? undefined : parseBaseTime(opts.baseTime);
      const [{ NexmarkGenerator }, { writeNexmarkEvents }] = await Promise.all([import('../../nexmark/generator.ts'), import('../../nexmark/kafka-writer.ts')]);
      const [{ withCluster }, { requireTopic }] = await Promise.all([import('../wire/cli-cluster.ts'), import('../topic-lookup.ts')]);
      await withCluster(ctx, (cluster) => requireTopic(cluster, opts.topic));
      const producer = await createProducer(ctx);
      // 'now' is the moment the first event is sent: event time then follows the wall clock.
      const eventsPerSecond = opts.eventRate ?? opts.rate ?? 10_000;
      const prepared = new NexmarkGenerator({ seed: opts.seed, baseTime, eventsPerSecond });
      const generator = now ? prepared.withBaseTime(Date.now()) : prepared;
      const stop = { stopped: false };
      const onSignal = () => void (stop.stopped = true);
      process.once('SIGINT', onSignal);
      let written = 0;
      try {
        written = await writeNexmarkEvents(producer, generator, {
          topic: opts.topic,
          first: opts.first,
          events: opts.events,
          ratePerSecond: opts.rate,
          acks: opts.acks === 'all' ? -1 : Number(opts.acks),
          stop,
          onProgress: (n) => void (written = n),
        });
      } catch (err) {
        throw new CliError(`cannot send to topic "${opts.topic}" (${written} events were sent before)`, { cause: err });
      } finally {
        process.off('SIGINT', onSignal);
        await producer.close().catch(() => {});
      }
      process.stdout.write(`Sent ${written} event${written === 1 ? '' : 's'} to ${opts.topic}\n`);
    });
}

function parseBaseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(t)) throw new UsageError(`--base-time: expected ms since the epoch, an ISO date or 'now', got '${text}'`);
  return t;
}
