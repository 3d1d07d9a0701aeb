import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/quickstart/main.ts', import.meta.url));

test('npm start -- --keep-running: the job, the broker and the dashboard stay up until Ctrl-C', { timeout: 120_000 }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_LOG_LEVEL: 'warn' };
  delete env.NODE_TEST_CONTEXT;
  delete env.SLUICE_BOOTSTRAP;
  const child = spawn(process.execPath, [MAIN, '--keep-running'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /--keep-running: .*\((http:\/\/127\.0\.0\.1:\d+\/)\)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`quickstart ended: ${out}`)));
    });
    const { jobs } = (await (await fetch(`${url}jobs/overview`)).json()) as { jobs: Array<{ name: string; state: string }> };
    assert.deepEqual(jobs.map((j) => [j.name, j.state]), [['upper-case', 'RUNNING']]);
    const { topics } = (await (await fetch(`${url}kafka/topics`)).json()) as { topics: Array<{ name: string; messages: number }> };
    assert.deepEqual(topics.filter((t) => t.name === 'test' || t.name === 'output').map((t) => [t.name, t.messages]).sort(), [['output', 10], ['test', 10]]);
    const metrics = await (await fetch(`${url}metrics`)).text();
    assert.match(metrics, /kafka_server_brokertopicmetrics_messagesin_total\{topic="test"\} 10/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, out);
    assert.match(out, /Try next/);
  } finally {
    child.kill('SIGKILL');
  }
});
