import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { CLI, collect, runCli, spawnCli } from './run-cli.ts';

// `sluice run`: nothing a job prints is lost, whatever the reader and however the command ends;
// the command's own lines go to stderr.

const PRINT = 'test/cli/fixtures/print-lines.ts';
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/**
 * Reads a child's stdout like a slow consumer: after every chunk it stops reading for `pauseMs`.
 * Resolves with everything read once stdout ends.
 */
function readSlowly(child: ChildProcess, pauseMs: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      child.stdout!.pause();
      setTimeout(() => child.stdout!.resume(), pauseMs);
    });
    child.stdout!.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}
function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
}
/** Runs `command` in bash (pipelines), with the CLI's environment. */
function bash(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', command], { env: { ...process.env, NODE_TEST_CONTEXT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
const sluice = `'${process.execPath}' '${CLI}'`;

test('a 1,000,000-line print() job through `| wc -l` gives 1,000,000', { timeout: 600_000 }, async () => {
  const r = await bash(`${sluice} run ${PRINT} 1000000 | wc -l`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1000000');
});

test('a slow reader gets every line; stderr says when the job started and how it ended', { timeout: 300_000 }, async () => {
  const child = spawnCli(['run', PRINT, '200000']);
  child.stdin!.end();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [out, code] = await Promise.all([readSlowly(child, 40), exited(child)]);
  assert.equal(code, 0, stderr);
  const got = lines(out);
  assert.equal(got.length, 200_000);
  assert.equal(got.at(-1), '200000');
  assert.match(stderr, /^sluice: job 'print lines' started \(streaming, parallelism 1\): source Sequence Source; operators Map, Sink: Print to Std\. Out\n/);
  assert.match(stderr, /\nsluice: job 'print lines' finished in [\d.]+ s: read 200000 records, wrote 200000\n$/);
});

test('a job that fails still delivers what it printed, then one error line', { timeout: 300_000 }, async () => {
  const child = spawnCli(['run', PRINT, '300000', '150001']);
  child.stdin!.end();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [out, code] = await Promise.all([readSlowly(child, 40), exited(child)]);
  assert.equal(code, 1);
  const got = lines(out);
  assert.equal(got.length, 150_000);
  assert.equal(got.at(-1), '150000');
  assert.equal(lines(stderr).length, 2, stderr); // started, then the error
  assert.match(lines(stderr)[1]!, /^sluice: .*stopped at 150001 on purpose/);
});

test('SIGTERM with a slow reader: the job stops and every line it printed arrives whole', { timeout: 300_000 }, async () => {
  const child = spawnCli(['run', PRINT, 'forever']);
  child.stdin!.end();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/started/.test(stderr) && !child.killed) setTimeout(() => child.kill('SIGTERM'), 500);
  });
  const [out, code] = await Promise.all([readSlowly(child, 20), exited(child)]);
  assert.equal(code, 143, stderr);
  assert.ok(out.endsWith('\n'), 'no line cut in half');
  const got = lines(out).map(Number);
  assert.ok(got.length > 0);
  assert.ok(got.every((n, i) => n === i + 1), 'every line from 1 on, none missing');
  assert.match(stderr, /sluice: SIGTERM: stopping the job/);
  assert.match(stderr, new RegExp(`sluice: job 'print lines' cancelled after [\\d.]+ s: read \\d+ records, wrote ${got.length}\\n`));
});

test('the reader going away (`| head -1`) stops the job quietly', { timeout: 120_000 }, async () => {
  const r = await bash(`${sluice} run ${PRINT} forever | head -1; echo "status \${PIPESTATUS[0]}" >&2`);
  assert.equal(r.stdout, '1\n');
  assert.match(r.stderr, /status 0\n$/);
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
});

test('a syntax error in a job file is one line naming file:line:column', async () => {
  const { dir, cleanup } = tempDir('sluice-syntax-');
  try {
    const ts = join(dir, 'broken.ts');
    writeFileSync(ts, "import { StreamExecutionEnvironment } from 'sluice';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment();\nenv.fromElements(1, 2).map((x: number) => x * ).print();\n");
    const js = join(dir, 'broken.js');
    writeFileSync(js, "import { StreamExecutionEnvironment } from 'sluice';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment()\nenv.fromElements(1) print();\n");
    const dup = join(dir, 'twice.ts');
    writeFileSync(dup, 'const a: number = 1;\nconst b = 2;\nlet a = 3;\n');
    for (const [file, at] of [[ts, ':3:47: Expression expected'], [js, ":3:21: Unexpected identifier 'print'"], [dup, ":3:5: Identifier 'a' has already been declared"]] as const) {
      const r = await runCli(['run', file]);
      assert.equal(r.code, 1);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.equal(r.stderr, `sluice: syntax error at ${file}${at}\n`);
    }
  } finally {
    cleanup();
  }
});

let silent: Server;
const held: Socket[] = [];
before(async () => {
  // Accepts connections and never answers: a wrong port, a firewall that drops packets.
  silent = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
after(() => {
  for (const s of held) s.destroy();
  silent.close();
});

test('a Kafka that accepts connections but never answers: sluice run fails with the line sluice topics list gives', { timeout: 120_000 }, async () => {
  const port = (silent.address() as { port: number }).port;
  const env = { SLUICE_CONNECT_TIMEOUT_MS: '1500' };
  const expected = `sluice: cannot connect to Kafka at 127.0.0.1:${port}: no answer within 1.5 s (is a Kafka broker listening there?)\n`;
  const topics = await runCli(['--bootstrap', `127.0.0.1:${port}`, 'topics', 'list'], { env, timeoutMs: 60_000 });
  assert.equal(topics.stderr, expected);
  for (const job of ['examples/read-to-end/job.ts', 'examples/upper-case/job.ts']) {
    const run = await runCli(['--bootstrap', `127.0.0.1:${port}`, 'run', job], { env, timeoutMs: 60_000 });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, expected, job);
  }
});

test("a job's missing input topic is one line that says it once", { timeout: 120_000 }, async () => {
  const broker = await startTestBroker();
  try {
    const r = await runCli(['--bootstrap', broker.bootstrap, 'run', 'examples/read-to-end/job.ts', 'no-such-topic']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "sluice: KafkaSource: topic 'no-such-topic' does not exist; create it first (sluice topics create no-such-topic --partitions N)\n");
  } finally {
    await broker.stop();
  }
});
