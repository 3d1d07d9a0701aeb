/**
 * The tutorial job as a Sluice DataStream job: consume `test`, upper-case each value, write
 * `output`. Shared by `npm start`, the examples and the pipeline benchmark.
 */
import { KafkaSink, KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy, type MapFunction, type StartingOffsets } from '../index.ts';

/** Upper-cases a line. */
export class UpperCaseMapFunction implements MapFunction<string, string> {
  map(value: string): string {
    return value.toUpperCase();
  }
}

export interface UpperCaseJobOptions {
  bootstrap: string;
  input?: string;
  output?: string;
  groupId?: string;
  startingOffsets?: StartingOffsets;
  parallelism?: number;
}

/** Builds the job on a new environment (run it with `env.execute()` or `env.executeAsync()`). */
export function upperCaseJob(o: UpperCaseJobOptions): StreamExecutionEnvironment {
  const env = StreamExecutionEnvironment.getExecutionEnvironment(o.parallelism !== undefined ? { parallelism: o.parallelism } : {});
  const source = new KafkaSource<string>({
    bootstrapServers: o.bootstrap,
    topics: [o.input ?? 'test'],
    groupId: o.groupId ?? 'upper-case-job',
    startingOffsets: o.startingOffsets ?? 'committed',
    deserializer: new SimpleStringSchema(),
  });
  env
    .fromSource(source, WatermarkStrategy.noWatermarks<string>(), o.input ?? 'test')
    .map(new UpperCaseMapFunction())
    .name('upper-case')
    .sinkTo(new KafkaSink<string>({ bootstrapServers: o.bootstrap, topic: o.output ?? 'output', serializer: new SimpleStringSchema() }));
  return env;
}
