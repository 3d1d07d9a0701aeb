/**
 * The tutorial job as a Sluice DataStream job: consume `test`, upper-case each value, write `output`.
 *   npx sluice run examples/upper-case/job.ts
 * It runs until stopped (Ctrl-C); its consumer group `upper-case-job` remembers how far it got, so a
 * restart continues there (offsets are committed only after the sink flushed: at-least-once).
 */
import { KafkaSink, KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy, type MapFunction } from 'sluice';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';

class UpperCaseMapFunction implements MapFunction<string, string> {
  map(value: string): string {
    return value.toUpperCase();
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.enableCheckpointing(1000);

const source = new KafkaSource<string>({
  bootstrapServers: bootstrap,
  topics: ['test'],
  groupId: 'upper-case-job',
  deserializer: new SimpleStringSchema(),
});

env
  .fromSource(source, WatermarkStrategy.noWatermarks<string>(), 'test')
  .map(new UpperCaseMapFunction())
  .sinkTo(new KafkaSink<string>({ bootstrapServers: bootstrap, topic: 'output', serializer: new SimpleStringSchema() }));

await env.execute('upper-case');
