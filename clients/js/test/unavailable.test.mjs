// 503: the service refused its database for a moment (its role's CONNECTION LIMIT set to 0 and
// its connections ended), as when PostgreSQL restarts or runs out of connections.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCraftKvs, createKVNamespace, KvsUnavailableError } from '@kvs/client';
import { allowDatabase, opts, recordingFetch, refuseDatabase, rejection, uniq, waitUntilServing } from './helpers.mjs';

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

  // The 503's Retry-After decides the wait: over maxRetryAfterMs, it is thrown at the first answer.
  const impatient = recordingFetch();
  await assert.rejects(createKVNamespace(opts({ fetch: impatient.fetch, retry: { retries: 4, maxRetryAfterMs: 999 } })).get(key),
    KvsUnavailableError);
  assert.deepEqual(impatient.seen, [503], 'a Retry-After of 1 s is over 999 ms: not retried');

  // The database comes back 1.5 s later; Retry-After is 1 s, so the second or third attempt passes.
  // The backoff's own waits (4 retries) come to 750 ms at most, under the outage; that the wait is the
  // Retry-After is shown on 429 in errors-retries.test.mjs (the same code path).
  setTimeout(allowDatabase, 1500);
  const patient = recordingFetch();
  assert.equal(await createKVNamespace(opts({ fetch: patient.fetch, retry: { retries: 4 } })).get(key), null);
  assert.equal(patient.seen[0], 503, 'the first attempt met the outage');
  assert.equal(patient.seen.at(-1), 404, 'a later one got the answer: no such key');
  await kv.put(key, 'back');
  assert.equal(await kv.get(key), 'back');
});
