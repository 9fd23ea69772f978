// Refusals, retries and timeouts, each provoked on the live service: a bad token (401), a
// read-only token writing (403), a rate-limited namespace (429 + Retry-After), a row held in a
// psql transaction (409), a client timeout shorter than the service's lock wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCraftKvs, createKVNamespace, createKvsClient, DEFAULT_RETRY, errorFromResponse, KvsConflictError,
  KvsError, KvsForbiddenError, KvsNetworkError, KvsNotFoundError, KvsRateLimitedError, KvsTimeoutError,
  KvsUnauthorizedError, parseRetryAfter,
} from '@kvs/client';
import { admin, env, freshNamespace, holdRowLock, opts, recordingFetch, rejection, sleep, uniq } from './helpers.mjs';

/** Holds the row of key until the client's first 409, then commits: the client's retry finds it free. */
async function heldUntilFirstConflict(key) {
  const release = await holdRowLock(env.ns, key);
  let released;
  const free = () => (released ??= release());
  return { ...recordingFetch((status) => status === 409 && free()), free };
}

test('401: unknown token, and no token at all', async () => {
  for (const token of ['kvs_unknownunknownunknownunknownunknownunknown0', undefined]) {
    const kv = createKVNamespace(opts({ token }));
    const err = await rejection(() => kv.get('x'));
    assert.ok(err instanceof KvsUnauthorizedError, String(err));
    assert.equal(err.status, 401);
    assert.equal(err.code, 'unauthorized');
  }
});

test('403: a read-only token writing or deleting; a token on another namespace', async () => {
  const ro = createKVNamespace(opts({ token: env.roToken }));
  const key = uniq('ro');
  for (const call of [() => ro.put(key, 'x'), () => ro.delete(key)]) {
    const err = await rejection(call);
    assert.ok(err instanceof KvsForbiddenError);
    assert.equal(err.status, 403);
    assert.equal(err.code, 'forbidden');
  }
  assert.equal(await ro.get(key), null);
  assert.deepEqual((await ro.list({ prefix: key })).keys, [], 'a read-only token lists');
  const elsewhere = createKVNamespace(opts({ namespace: 'js-other-ns' }));
  await assert.rejects(elsewhere.get('x'), { status: 403 });
});

test('404 namespace_not_found is a KvsNotFoundError, not a missing key', async () => {
  const gone = await freshNamespace('js-gone');
  const kv = createKVNamespace(gone);
  assert.equal(await kv.get('x'), null);
  // The namespace's tokens go with it (401); what is left to see is its name being unknown.
  await admin('DELETE', '/namespaces/js-gone');
  await assert.rejects(kv.get('x'), KvsUnauthorizedError);
  const err = errorFromResponse(404, { error: { status: 404, code: 'namespace_not_found', message: 'm' } });
  assert.ok(err instanceof KvsNotFoundError);
});

test('429: without retries a KvsRateLimitedError with Retry-After; with them, the call waits and passes', async () => {
  const limited = await freshNamespace('js-limited', { requestsPerSecond: 1 });
  const noRetry = createKVNamespace({ ...limited, retry: false });
  await noRetry.get('a'); // takes the bucket's one request
  const err = await rejection(() => noRetry.get('a'));
  assert.ok(err instanceof KvsRateLimitedError);
  assert.equal(err.status, 429);
  assert.equal(err.code, 'rate_limited');
  assert.ok(err.retryAfterMs >= 1000, `Retry-After ${err.retryAfterMs}`);

  // A Retry-After over maxRetryAfterMs is not waited for: thrown at the first answer.
  const impatient = recordingFetch();
  await assert.rejects(createKVNamespace({ ...limited, fetch: impatient.fetch, retry: { maxRetryAfterMs: 100 } }).get('a'),
    KvsRateLimitedError);
  assert.deepEqual(impatient.seen, [429], 'not retried');

  await sleep(1100); // a full bucket again
  const patient = recordingFetch();
  const kv = createKVNamespace({ ...limited, fetch: patient.fetch, retry: { retries: 3 } });
  await kv.put('a', '1'); // takes the bucket's one request
  assert.equal(await kv.get('a'), '1', 'retried after Retry-After');
  // The bucket refills in the Retry-After the 429 gave (the service rounds it up to whole seconds):
  // a retry sent after the backoff alone (25 to 200 ms) would have been refused again.
  assert.deepEqual(patient.seen, [200, 429, 200], 'Retry-After was honoured: the first retry got in');
});

test('409: a held row is a KvsConflictError; plain writes retry through it, conditional writes only when asked', async () => {
  const craft = createCraftKvs(opts());
  const key = uniq('held');
  await craft.write({ key, value: 0 });
  const createdAt = Date.parse((await craft.get({ key }))[key].created_at);

  // Held for good: every attempt gets 409 after the service's 500 ms lock wait.
  const release = await holdRowLock(env.ns, key);
  try {
    const attempts = recordingFetch();
    const raw = createKvsClient(opts({ fetch: attempts.fetch, retry: { retries: 1, baseDelayMs: 10 } }));
    const err = await rejection(() => raw.write(key, 1));
    assert.ok(err instanceof KvsConflictError);
    assert.deepEqual(attempts.seen.splice(0), [409, 409], 'two attempts, both refused');

    await assert.rejects(raw.checkAndWrite(key, 1, { operator: '=', unixtimeMs: createdAt }), KvsConflictError);
    assert.deepEqual(attempts.seen.splice(0), [409], 'a conditional write is not retried by default');
  } finally {
    await release();
  }

  // Held until the first attempt has got its 409: the retry writes.
  let held = await heldUntilFirstConflict(key);
  const retrying = createKvsClient(opts({ fetch: held.fetch, retry: { retries: 3, baseDelayMs: 100 } }));
  const written = await retrying.write(key, 2).finally(held.free);
  assert.equal(written.value, 2);
  assert.deepEqual(held.seen, [409, 200]);

  held = await heldUntilFirstConflict(key);
  const casRetrying = createKvsClient(opts({ fetch: held.fetch, retry: { retries: 3, baseDelayMs: 100, conditionalWrites: true } }));
  const t = Date.parse(written.created_at);
  assert.equal((await casRetrying.checkAndWrite(key, 3, { operator: '=', unixtimeMs: t }).finally(held.free)).value, 3);
  assert.deepEqual(held.seen, [409, 200], 'it met the held row, and was retried');
});

test('timeouts: a call past timeoutMs is aborted with KvsTimeoutError (and not retried)', async () => {
  const kvs = createKvsClient(opts());
  const key = uniq('slow');
  await kvs.write(key, 0);
  const release = await holdRowLock(env.ns, key);
  try {
    // Without the abort the answer would be a 409 after the service's 500 ms lock wait.
    const attempts = recordingFetch();
    const quick = createKvsClient(opts({ fetch: attempts.fetch, timeoutMs: 150 }));
    const err = await rejection(() => quick.write(key, 1));
    assert.ok(err instanceof KvsTimeoutError, String(err));
    assert.equal(err.status, 0);
    assert.equal(err.code, 'timeout');
    assert.deepEqual(attempts.seen, [0], 'aborted before any answer, and not retried (retries: 2 by default)');
    const craftErr = await rejection(() => createCraftKvs(opts({ timeoutMs: 150 })).write({ key, value: 1 }));
    assert.equal(craftErr.status, 500, 'Craft: anything else is 500');
  } finally {
    await release();
  }
});

test('a service that is not there: KvsNetworkError after the retries', async () => {
  const attempts = recordingFetch();
  const kv = createKVNamespace(opts({ baseUrl: 'http://127.0.0.1:9', fetch: attempts.fetch, retry: { retries: 2, baseDelayMs: 10 } }));
  const err = await rejection(() => kv.get('x'));
  assert.ok(err instanceof KvsNetworkError, String(err));
  assert.equal(err.code, 'network');
  assert.ok(err.cause);
  assert.deepEqual(attempts.seen, [0, 0, 0], 'the first attempt and two retries');
});

test('Retry-After parsing and error mapping', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(' 0 '), 0);
  assert.equal(parseRetryAfter(new Date(61_000).toUTCString(), 1000), 60_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(DEFAULT_RETRY.conditionalWrites, false);
  const e500 = errorFromResponse(500, { error: { status: 500, code: 'internal', message: 'internal error, request id r1' } },
    new Headers({ 'x-request-id': 'r1' }));
  assert.equal(e500.constructor, KvsError);
  assert.equal(e500.requestId, 'r1');
  const noJson = errorFromResponse(502, undefined, new Headers());
  assert.equal(noJson.code, 'http_502');
  assert.throws(() => createKVNamespace({ namespace: 'x' }), TypeError);
  assert.throws(() => createKVNamespace({ baseUrl: 'localhost:8080', namespace: 'x' }), TypeError);
});
