/**
 * The Sluice contender: the tutorial job (KafkaSource → map(new UpperCaseMapFunction()) → KafkaSink),
 * exactly as `npm start` builds it. Usage: node sluice-job.ts BOOTSTRAP INPUT OUTPUT GROUP
 */
import { upperCaseJob } from '../../src/quickstart/upper-case-job.ts';

const [bootstrap, input, output, groupId] = process.argv.slice(2) as [string, string, string, string];
await upperCaseJob({ bootstrap, input, output, groupId, startingOffsets: 'earliest' }).execute('bench upper-case');
