import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./python/read_topic.py', import.meta.url));

/**
 * Values of `topic` up to the sentinels (see compat/txn/txn-helpers.ts), sorted, read by
 * librdkafka (confluent-kafka-python) with the given isolation level.
 */
export function rdkafkaRead(bootstrap: string, topic: string, partitions: number, isolation: 'committed' | 'uncommitted'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [SCRIPT, bootstrap, topic, String(partitions), `read_${isolation}`], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`read_topic.py ${topic}: ${err.message}\n${stderr.slice(-2000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as string[]);
    });
  });
}
