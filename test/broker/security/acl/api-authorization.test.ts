import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_AUTHORIZATION, renderAuthorizationTable } from '../../../../src/broker/security/acl/api-authorization.ts';
import { HANDLERS } from '../../../../src/broker/handlers/index.ts';
import { ApiKey, ErrorCode, supportedApiVersions } from '../../../../src/protocol/index.ts';

test('every API the codec implements or the broker handles has exactly one authorization row', () => {
  const keys = API_AUTHORIZATION.map((r) => r.apiKey);
  assert.equal(new Set(keys).size, keys.length, 'one row per api key');
  for (const key of [...HANDLERS.keys(), ...supportedApiVersions().map((a) => a.apiKey)]) assert.ok(keys.includes(key), `api key ${key} has a row`);
  for (const row of API_AUTHORIZATION) {
    const named = (ApiKey as Record<string, number>)[row.api];
    if (named !== undefined) assert.equal(named, row.apiKey, row.api);
    for (const c of row.checks) if (c.denied !== 'none' && c.denied !== 'left out') assert.ok(c.denied in ErrorCode, c.denied);
  }
});

test('docs/security.md shows the same table', () => {
  const doc = readFileSync(new URL('../../../../docs/security.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(renderAuthorizationTable()), 'regenerate the table in docs/security.md from renderAuthorizationTable()');
});
