import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../helpers/broker.ts';
import { createTopics, waitForStableGroup } from './fixtures.ts';
import { collect, runCli, spawnCli, waitForOutput } from './run-cli.ts';

// The cases use distinct groups and topics: run them side by side.
describe('sluice groups', { concurrency: true }, () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  const cli = (args: string[], input?: string) => runCli(args, { bootstrap: broker.bootstrap, input });

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await createTopics(broker.bootstrap, { events: 1, live: 2 });
    const input = Array.from({ length: 10 }, (_, i) => `e${i}`).join('\n') + '\n';
    assert.equal((await cli(['produce', 'events'], input)).code, 0);
  });
  after(() => broker.stop());

  test('a partial consume with a group shows committed offsets and lag', async () => {
    const first = await cli(['consume', 'events', '--group', 'billing', '--from-beginning', '--max-messages', '4']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'e0\ne1\ne2\ne3\n');

    const [list, described] = await Promise.all([cli(['groups', 'list']), cli(['groups', 'describe', 'billing'])]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^GROUP\s+STATE\s+PROTOCOL TYPE$/m);
    assert.match(list.stdout, /^billing\s+Empty\s+consumer$/m);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^Group: billing$/m);
    assert.match(described.stdout, /^State: Empty$/m);
    assert.match(described.stdout, /^Members: 0$/m);
    assert.match(described.stdout, /^TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG\s+MEMBER$/m);
    assert.match(described.stdout, /^events\s+0\s+4\s+10\s+6\s+-$/m);

    // The group resumes where it stopped.
    const second = await cli(['consume', 'events', '--group', 'billing', '--max-messages', '2']);
    assert.equal(second.stdout, 'e4\ne5\n');
    assert.match((await cli(['groups', 'describe', 'billing'])).stdout, /^events\s+0\s+6\s+10\s+4\s+-$/m);
  });

  test('describe shows a running member with its assignment; SIGINT stops the consumer cleanly', async () => {
    const child = spawnCli(['consume', 'live', '--group', 'watchers'], { bootstrap: broker.bootstrap });
    const done = collect(child);
    await waitForStableGroup(broker.bootstrap, 'watchers', 1);
    const described = (await cli(['groups', 'describe', 'watchers'])).stdout;
    assert.match(described, /^State: Stable$/m);
    assert.match(described, /^Members: 1$/m);
    assert.match(described, /^MEMBER\s+CLIENT ID\s+HOST\s+ASSIGNMENT$/m);
    assert.match(described, /^\S+\s+sluice-cli-consumer\s+127\.0\.0\.1\s+live\[0,1\]$/m);

    const output = waitForOutput(child, 'ping');
    assert.equal((await cli(['produce', 'live'], 'ping\n')).code, 0);
    await output;
    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ping\n');
    assert.match(result.stderr, /Consumed 1 record/);

    const after = await cli(['groups', 'describe', 'watchers']);
    assert.match(after.stdout, /^State: Empty$/m);
    assert.match(after.stdout, /^live\s+\d\s+1\s+1\s+0\s+-$/m);
  });

  test('describe of an unknown group fails', async () => {
    const r = await cli(['groups', 'describe', 'nobody']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'sluice: group "nobody" does not exist\n');
  });
});
