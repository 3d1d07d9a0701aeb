"""Drives kafka-python through every API it uses, for the fuzz corpus.

Usage: /usr/bin/python3 capture_kafka_python.py BOOTSTRAP
"""
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewPartitions, NewTopic

B = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=B, client_id="kp-capture")
admin.create_topics([NewTopic("kp-a", num_partitions=2, replication_factor=1, topic_configs={"cleanup.policy": "delete"})])
admin.create_partitions({"kp-a": NewPartitions(3)})
admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-a"), ConfigResource(ConfigResourceType.BROKER, "1")])
admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-a", configs={"retention.ms": "3600000"})])
admin.describe_cluster()
admin.describe_topics(["kp-a"])

p = KafkaProducer(bootstrap_servers=B, compression_type="gzip", linger_ms=5)
for i in range(200):
    p.send("kp-a", key=f"k{i % 7}".encode(), value=f"v{i}".encode())
p.flush(30)
p.close()

c = KafkaConsumer("kp-a", bootstrap_servers=B, group_id="kp-g", auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=3000)
n = 0
for _ in c:
    n += 1
    if n >= 100:
        break
c.commit()
c.committed(TopicPartition("kp-a", 0))
c.offsets_for_times({TopicPartition("kp-a", 0): 0})
c.end_offsets([TopicPartition("kp-a", 0)])
c.close()

admin.list_consumer_groups()
admin.describe_consumer_groups(["kp-g"])
admin.list_consumer_group_offsets("kp-g")
admin.delete_consumer_groups(["kp-g"])
admin.delete_topics(["kp-a"])
admin.close()
print("done")
