import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaslAuthenticator } from '../../../../src/broker/security/sasl/authenticator.ts';
import { ManualClock } from '../../../../src/util/clock.ts';
import { credentials } from './sasl-fixtures.ts';

// Whatever a client sends as SASL tokens, the authenticator answers or decides to close; it never
// throws (a throw would reach the connection as a crash of the request).

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 7);
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const VALID = ['n,,n=alice,r=abcdef', 'y,a=alice,n=alice,r=x,ext=1', 'c=biws,r=abcdefXYZ,p=AAAA', '\0alice\0alice-secret', 'alice\0alice\0pw', 'n,,n=a=2Cb,r=q'];

test('random and mutated tokens only ever lead to an answer or a close', { timeout: 120_000 }, () => {
  const r = prng(SEED);
  const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
  const store = credentials();
  let closes = 0;
  for (let i = 0; i < 2000; i++) {
    const sasl = new SaslAuthenticator({ mechanisms: [...mechanisms], credentials: store, clock: new ManualClock(0) });
    const v0 = r.next() < 0.3;
    sasl.handshake(v0 ? 0 : 1, mechanisms[r.int(3)]!);
    for (let step = 0; step < 3; step++) {
      let token: Buffer;
      if (r.next() < 0.5) token = Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
      else {
        token = Buffer.from(VALID[r.int(VALID.length)]!);
        for (let f = 0; f < 1 + r.int(3); f++) if (token.length > 0) token[r.int(token.length)] = r.int(256);
      }
      const next = v0 ? sasl.rawToken(token).next : sasl.authenticate(token).next;
      if (next.then === 'close') {
        closes++;
        break;
      }
    }
  }
  assert.ok(closes > 1500, `most garbage is refused (${closes})`);
});
