/**
 * The Sluice contender: the tutorial job (KafkaSource → map(new UpperCaseMapFunction()) → KafkaSink),
 * exactly as `npm start` builds it. Usage: node sluice-job.ts BOOTSTRAP INPUT OUTPUT GROUP
 */
import { upperCaseJob } from '../../src/quickstart/upper-case-job.ts';

const [bootstrap, input, output, groupId] = process.argv.slice(2) as [string, string, string, string];
// One job id per run (its group): a job id is the job's identity, and a job restarted under the same id
// resumes from that job's last checkpoint — each round here is a new job over the whole input.
await upperCaseJob({ bootstrap, input, output, groupId, startingOffsets: 'earliest' }).execute(`bench-upper-case-${groupId}`);
