/**
 * One Nexmark query on @kafkats/flow through Kafka (the comparison of the Nexmark benchmark):
 * reads INPUT from the earliest offset, and once it has processed EVENTS input records closes
 * the app (flushing its output) and prints a JobResult line, measured like the Sluice jobs'.
 *
 *   node benchmarks/nexmark/flow/flow-job.ts QUERY BOOTSTRAP INPUT OUTPUT EVENTS
 */
import { flow } from '@kafkats/flow';
import { WorkMeter } from '../job-result.ts';
import { buildFlowQuery } from './queries.ts';

const [name, bootstrap, input, output, eventsArg] = process.argv.slice(2) as [string, string, string, string, string];
const events = Number(eventsArg);
const app = flow({
  applicationId: `nexmark-flow-${name}-${output}`,
  client: { brokers: [bootstrap], clientId: `nexmark-flow-${name}` },
  consumer: { autoOffsetReset: 'earliest' },
});
const meter = new WorkMeter();
let seen = 0;
let finish: () => void;
const done = new Promise<void>((r) => (finish = r));
buildFlowQuery(app, name, input, output, () => {
  if (seen++ === 0) meter.start();
  if (seen === events) finish();
});
await app.start();
await done;
await app.close();
meter.report(name, events, -1);
process.exit(0);
