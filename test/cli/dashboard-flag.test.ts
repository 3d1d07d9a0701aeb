import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { parseDashboardAddress } from '../../src/cli/dashboard-flag.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts';

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

test('--dashboard takes nothing, PORT, HOST:PORT, HOST or [IPv6]:PORT', () => {
  assert.deepEqual(parseDashboardAddress(''), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseDashboardAddress('8081'), { host: '127.0.0.1', port: 8081 });
  assert.deepEqual(parseDashboardAddress('0.0.0.0:9000'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseDashboardAddress('localhost'), { host: 'localhost', port: 0 });
  assert.deepEqual(parseDashboardAddress('[::1]:8081'), { host: '::1', port: 8081 });
  for (const bad of ['70000', 'host:port', '::1:80']) assert.throws(() => parseDashboardAddress(bad), /--dashboard/);
});

test('sluice broker --dashboard prints the address and serves /metrics and the broker pages', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--data-dir', dir, '--dashboard'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  try {
    const { bootstrap, dashboard } = await new Promise<{ bootstrap: string; dashboard: string }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no dashboard line: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const b = /listening on (\S+)/.exec(out);
        const u = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (b && u) {
          clearTimeout(timer);
          resolve({ bootstrap: b[1]!, dashboard: u[1]! });
        }
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${out}`)));
    });
    const admin = new Admin({ clientId: 'dash-test', bootstrapBrokers: [bootstrap] });
    await admin.createTopics({ topics: ['seen'], partitions: 2, replicas: 1 });
    await admin.close();
    const metrics = parsePrometheus(await (await fetch(`${dashboard}metrics`)).text());
    assert.equal(sampleValue(metrics, 'kafka_server_replicamanager_partitioncount'), 2);
    const creates = metrics.find((f) => f.name === 'kafka_network_requestmetrics_requests_total')?.metrics.filter((m) => m.labels?.request === 'CreateTopics') ?? [];
    assert.equal(creates.reduce((n, m) => n + Number(m.value), 0), 1);
    assert.ok(metrics.some((f) => f.name === 'process_cpu_seconds_total'), 'process metrics too');
    const topics = (await (await fetch(`${dashboard}kafka/topics`)).json()) as { topics: Array<{ name: string; partitions: number }> };
    assert.deepEqual(topics.topics.filter((t) => t.name === 'seen').map((t) => t.partitions), [2]);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    cleanup();
  }
});
