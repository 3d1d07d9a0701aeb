import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestBroker } from '../helpers/broker.ts';
import { assertCompleteAndOrdered, keyOf, type Seen } from './delivery-check.ts';

const N = 10_000;

function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
    });
    child.stdin.end(input ?? '');
  });
}

test('librdkafka (kcat): each codec round-trips 10,000 keyed messages; metadata lists topics', async () => {
  const broker = await startTestBroker({ defaultPartitions: 3 });
  try {
    const lines = Array.from({ length: N }, (_, i) => `${keyOf(i)}:value-${i}`).join('\n') + '\n';
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `kc-${codec}`;
      // Topic auto-created with 3 partitions by the broker (defaultPartitions).
      await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', '-z', codec, '-X', 'acks=all']);
      await kcat(['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', '-z', codec, '-X', 'acks=all'], lines);
      const out = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k %s\\n']);
      const seen: Seen[] = out.trim().split('\n').map((l) => {
        const [p, o, k, v] = l.split(' ');
        return { partition: Number(p), offset: Number(o), key: k!, value: v! };
      });
      assertCompleteAndOrdered(seen, N, `kcat ${codec}`);
      assert.equal(new Set(seen.map((s) => s.partition)).size, 3, 'keys spread over the 3 partitions');
    }
    const meta = JSON.parse(await kcat(['-b', broker.bootstrap, '-L', '-J']));
    const names = meta.topics.map((t: { topic: string }) => t.topic).sort();
    assert.deepEqual(names, ['kc-gzip', 'kc-lz4', 'kc-none', 'kc-snappy', 'kc-zstd']);
    assert.equal(meta.topics[0].partitions.length, 3);
    assert.equal(meta.brokers[0].name, broker.bootstrap);
  } finally {
    await broker.stop();
  }
});

