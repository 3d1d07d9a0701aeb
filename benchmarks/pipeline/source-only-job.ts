/**
 * The read side of the tutorial pipeline alone: a bounded KafkaSource (strings) over all of INPUT
 * into a sink that counts. Prints `{ records, cpuPerMillion, seconds }` measured in this process
 * from the first record to the last (start-up left out). Usage: node source-only-job.ts BOOTSTRAP INPUT
 */
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy } from '../../src/index.ts';

const [bootstrap, input] = process.argv.slice(2) as [string, string];
let records = 0;
let first: { cpu: NodeJS.CpuUsage; t: number } | undefined;
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
env
  .fromSource(new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [input], startingOffsets: 'earliest', bounded: true, deserializer: new SimpleStringSchema() }), WatermarkStrategy.noWatermarks<string>(), 'in')
  .sinkTo({
    createWriter: () => ({
      write: () => {
        if (records++ === 0) first = { cpu: process.cpuUsage(), t: performance.now() };
      },
    }),
  });
await env.execute(`bench-source-only-${process.pid}`);
const cpu = process.cpuUsage(first!.cpu);
console.log(JSON.stringify({ records, cpuPerMillion: ((cpu.user + cpu.system) / 1e6 / (records - 1)) * 1e6, seconds: (performance.now() - first!.t) / 1000 }));
