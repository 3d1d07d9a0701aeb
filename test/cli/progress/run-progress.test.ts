import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { CLI, runCli } from '../run-cli.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
const JOB = `import { StreamExecutionEnvironment } from 'sluice';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSequence(1, 300000).map((n) => n * 2).filter((n) => n % 200000 === 0).print();
await env.execute('seq');
`;

test('sluice run: a progress line for a bounded job on a terminal, cleared before the job prints; none in a pipe', { skip: !hasScript && 'no script(1)', timeout: 120_000 }, async () => {
  const work = tempDir('sluice-run-progress-');
  try {
    const job = join(work.dir, 'job.ts');
    writeFileSync(job, JOB);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const command = [process.execPath, CLI, 'run', job].map((s) => `'${s}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await new Promise((r) => child.once('close', r)), 0, out);
    assert.match(out, /\r\u001b\[2Kreading \d+ records \S+\/s/, 'a progress line (the sequence source knows no end offsets)');
    assert.match(out, /\r\u001b\[2K200000\r?\n/, 'the line is cleared before the job prints');
    const piped = await runCli(['run', job]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, '200000\n400000\n600000\n');
    assert.doesNotMatch(piped.stderr, /reading|\u001b/);
  } finally {
    work.cleanup();
  }
});
