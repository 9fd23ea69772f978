// 503: the service refused its database for a moment (its role's CONNECTION LIMIT set to 0 and
// its connections ended), as when PostgreSQL restarts or runs out of connections.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCraftKvs, createKVNamespace, KvsUnavailableError } from '@kvs/client';
import { allowDatabase, opts, refuseDatabase, rejection, uniq, waitUntilServing } from './helpers.mjs';

after(async () => {
  allowDatabase();
  await waitUntilServing();
});

test('503 is a KvsUnavailableError with Retry-After; retries carry a call over the outage', async () => {
  const key = uniq('outage'); // never read: no cache entry can answer it
  const kv = createKVNamespace(opts());
  refuseDatabase();

  const err = await rejection(() => createKVNamespace(opts({ retry: false })).get(key));
  assert.ok(err instanceof KvsUnavailableError, String(err));
  assert.equal(err.status, 503);
  assert.equal(err.code, 'unavailable');
  assert.equal(err.retryAfterMs, 1000);

  const craftErr = await rejection(() => createCraftKvs(opts({ retry: false })).write({ key, value: 1 }));
  assert.ok(craftErr instanceof KvsUnavailableError);
  assert.equal(craftErr.status, 500, 'Craft: anything else is 500');
  assert.equal(craftErr.httpStatus, 503);

  // The database comes back 1.5 s later; Retry-After is 1 s, so the second or third attempt passes.
  setTimeout(allowDatabase, 1500);
  const started = Date.now();
  assert.equal(await createKVNamespace(opts({ retry: { retries: 4 } })).get(key), null);
  assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
  await kv.put(key, 'back');
  assert.equal(await kv.get(key), 'back');
});
