// Child process for cleaner-kill.test.ts: cleans the log in argv[2] until idle, to be killed mid-way.
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { TopicConfig } from '../../../src/broker/log/topic-config.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner/index.ts';
import { ManualClock } from '../../../src/util/clock.ts';

const [dir, now, configJson] = process.argv.slice(2);
const clock = new ManualClock(Number(now));
const log = PartitionLog.open(dir!, new TopicConfig(JSON.parse(configJson!) as Record<string, string>), clock);
const cleaner = new LogCleaner({ logs: { topics: [{ name: 't', partitions: [log] }] }, clock, sliceBatches: 3 });
process.stdout.write('cleaning\n');
await cleaner.cleanUntilIdle();
process.stdout.write('done\n');
log.close();
