/**
 * The job of the classic PyFlink + Kafka tutorial, translated line by line (each PyFlink line is
 * the comment above its translation). It reads `test`, upper-cases every line with a MapFunction
 * class and writes `output`, which the sink creates if it does not exist.
 *   npx sluice run examples/pyflink-tutorial/job.ts        (Ctrl-C stops it)
 * Kafka: SLUICE_BOOTSTRAP (default localhost:9092, e.g. `npx sluice broker`). The topic `test` must
 * exist first: `npx sluice topics create test --partitions 1`.
 */
// from pyflink.common.serialization import SimpleStringSchema
// from pyflink.datastream import StreamExecutionEnvironment
// from pyflink.datastream.connectors import FlinkKafkaConsumer, FlinkKafkaProducer
// from pyflink.datastream.functions import MapFunction
import {
  DeliveryGuarantee,
  KafkaRecordSerializationSchema,
  KafkaSink,
  KafkaSource,
  OffsetResetStrategy,
  OffsetsInitializer,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  type MapFunction,
} from 'sluice';

// class MyMapFunction(MapFunction):
//     def map(self, value):
//         return value.upper()
class MyMapFunction implements MapFunction<string, string> {
  map(value: string): string {
    return value.toUpperCase();
  }
}

// env = StreamExecutionEnvironment.get_execution_environment()
const env = StreamExecutionEnvironment.getExecutionEnvironment();
// env.add_jars("file:///.../flink-sql-connector-kafka.jar")   -- nothing to add: the Kafka connector is part of sluice

// properties = {'bootstrap.servers': 'localhost:9092', 'group.id': 'test_group'}
const properties = { 'bootstrap.servers': process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092', 'group.id': 'test_group' };

// kafka_consumer = FlinkKafkaConsumer(topics='test', deserialization_schema=SimpleStringSchema(), properties=properties)
const kafkaConsumer = KafkaSource.builder<string>()
  .setTopics('test')
  .setValueOnlyDeserializer(new SimpleStringSchema())
  .setProperties(properties)
  // FlinkKafkaConsumer starts from the group's committed offsets; a new group starts here at the beginning.
  .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
  .build();

// kafka_producer = FlinkKafkaProducer(topic='output', serialization_schema=SimpleStringSchema(), producer_config=properties)
const kafkaProducer = KafkaSink.builder<string>()
  .setRecordSerializer(KafkaRecordSerializationSchema.builder<string>().setTopic('output').setValueSerializationSchema(new SimpleStringSchema()).build())
  .setKafkaProducerConfig(properties) // 'group.id' means nothing to a producer: ignored with a warning, as Kafka does
  .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE) // FlinkKafkaProducer's default
  .build();

// stream = env.add_source(kafka_consumer)
const stream = env.addSource(kafkaConsumer, 'Kafka Source');
// mapped = stream.map(MyMapFunction(), output_type=Types.STRING())
const mapped = stream.map(new MyMapFunction());
// mapped.add_sink(kafka_producer)
mapped.addSink(kafkaProducer);

// env.execute('my_flink_job')
await env.execute('my_flink_job');
