import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supportedApiVersions } from '../../../src/protocol/index.ts';
import { HANDLERS } from '../../../src/broker/handlers/index.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, fdBound, normalClientRoundTrip, rssBound, startBrokerChild } from '../hostile/broker-child.ts';
import { fuzz } from './fuzz-engine.ts';
import { loadCorpus } from './mutator.ts';

// The short, seeded run of the mutation fuzzer (npm run fuzz:broker runs 200,000 frames): the
// corpus covers every API the broker advertises with frames of real clients, and a few thousand
// mutations of them neither crash the broker, nor make a handler throw, nor leak memory or files.

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20251205);
const FRAMES = Number(process.env.SLUICE_FUZZ_FRAMES ?? 4000);

/** What the broker advertises: the APIs the codec knows and a handler serves. */
const advertised = () => supportedApiVersions().filter((a) => HANDLERS.has(a.apiKey));

test('the corpus holds frames of real clients for every advertised API', () => {
  const corpus = loadCorpus();
  const clients = new Set(corpus.map((f) => f.client));
  for (const c of ['kafkajs', '@platformatic/kafka', 'librdkafka (confluent-kafka-python)', 'librdkafka (kcat)', 'kafka-python']) assert.ok(clients.has(c), c);
  const real = new Set(corpus.filter((f) => f.client !== 'synthetic').map((f) => f.apiKey));
  for (const { apiKey } of advertised()) {
    assert.ok(corpus.some((f) => f.apiKey === apiKey), `api key ${apiKey} has corpus frames`);
  }
  // Built by our encoder: the APIs none of the installed clients sends (OffsetForLeaderEpoch,
  // DescribeCluster, ElectLeaders, the transaction listing; the reassignment and client-quota APIs
  // were added after the capture), and the security
  // APIs (SASL, ACLs, SCRAM credentials) until the corpus is captured against a secured broker.
  assert.deepEqual(advertised().map((a) => a.apiKey).filter((k) => !real.has(k)), [17, 23, 29, 30, 31, 36, 43, 45, 46, 48, 49, 50, 51, 60, 65, 66]);
  for (const k of [19, 37]) assert.ok(real.has(k), `CreateTopics and CreatePartitions (${k}) come from real clients`);
});

test(`${FRAMES} mutated frames (seed ${SEED}): no crash, no internal error, bounded memory and files, normal clients served`, { timeout: 600_000 }, async (t) => {
  const data = tempDir('sluice-fuzz-test-');
  const broker = await startBrokerChild(data.dir, [...BUDGET_ARGS, '--max-partitions', '20000']);
  let exited = false;
  broker.child.once('exit', () => (exited = true));
  try {
    await normalClientRoundTrip(broker.bootstrap, 'warm-up');
    const baseline = broker.rssBytes();
    const result = await fuzz({ bootstrap: broker.bootstrap, frames: FRAMES, seed: SEED, connections: 16 });
    t.diagnostic(JSON.stringify(result));
    assert.equal(exited, false, 'the broker process is alive');
    assert.deepEqual(broker.lines().filter((l) => l.level >= 50), [], 'no internal error');
    assert.ok(result.closedByBroker > 0 && result.answered > 0, 'mutations took both paths (refused and answered)');
    await normalClientRoundTrip(broker.bootstrap, 'after fuzzing');
    assert.ok(broker.rssBytes() <= rssBound(baseline, 20), `RSS ${broker.rssBytes()}`);
    assert.ok(broker.openFds() <= fdBound(1000, 20), `${broker.openFds()} descriptors`);
  } finally {
    await broker.stop('SIGKILL');
    data.cleanup();
  }
});
