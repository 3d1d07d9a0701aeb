import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker } from '../../helpers/broker.ts';
import { createTopics } from '../../connectors/kafka-helpers.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { CLI, runCli } from '../run-cli.ts';

// `script` (util-linux) runs the command on a pseudo-terminal: stderr is then a TTY, as in a shell.
const hasScript = spawnSync('script', ['--version']).status === 0;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
const work = tempDir('sluice-progress-');
const file = join(work.dir, 'lines.txt');

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { lines: 1 });
  writeFileSync(file, Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') + '\n');
});
after(async () => {
  await broker?.stop();
  work.cleanup();
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('sluice produce --file shows a progress bar on a terminal', { skip: !hasScript && 'no script(1)', timeout: 120_000 }, async () => {
  const command = [process.execPath, CLI, 'produce', 'lines', '--file', file].map(quote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_BOOTSTRAP: broker.bootstrap };
  delete env.NODE_TEST_CONTEXT;
  // Not spawnSync: the broker runs in this process and must keep answering.
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = { stdout: '', stderr: '', status: null as number | null };
  child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
  r.status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /sending \[[#-]{24}\] +\d+% \S+\/\S+ bytes/, 'the bar, of the bytes of the file');
  assert.match(r.stdout, /\r\u001b\[2KSent 2000 records to lines/, 'cleared before the summary');
});

test('no progress when stderr is not a terminal', { timeout: 120_000 }, async () => {
  const r = await runCli(['produce', 'lines', '--file', file], { bootstrap: broker.bootstrap });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Sent 2000 records to lines\n');
  assert.doesNotMatch(r.stderr, /sending|\u001b/);
});
