// createCraftKvs against the live service: Craft's shapes and Craft's error statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCraftKvs, KvsConditionFailedError, KvsConflictError, KvsExpirationError, KvsForbiddenError,
  KvsKeyError, KvsUnauthorizedError, KvsValidationError, KvsValueTooLargeError,
} from '@kvs/client';
import { env, holdRowLock, opts, rejection, uniq } from './helpers.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const kvs = createCraftKvs(opts());

test('write resolves the key wrapping {value, created_at, expired_at}; get reads it back', async () => {
  const key = uniq('current_coupon');
  const w = await kvs.write({ key, value: { index: 3 }, minutesToExpire: 10 });
  assert.deepEqual(Object.keys(w), [key]);
  assert.equal(w[key].value.index, 3);
  assert.match(w[key].created_at, ISO);
  assert.match(w[key].expired_at, ISO);
  const ttl = Date.parse(w[key].expired_at) - Date.parse(w[key].created_at);
  assert.equal(ttl, 10 * 60_000);

  const v = await kvs.get({ key });
  assert.deepEqual(v, w);
  assert.equal(v[key].value.index, 3);
});

test('get of an absent key resolves {} (Craft code tests v[key]), never throws', async () => {
  const key = uniq('absent');
  const v = await kvs.get({ key });
  assert.deepEqual(v, {});
  assert.equal(v[key], undefined);
});

test('get of several keys resolves those found', async () => {
  const a = uniq('many'), b = uniq('many');
  await kvs.write({ key: a, value: 'A' });
  const v = await kvs.get({ key: [a, b] });
  assert.deepEqual(Object.keys(v), [a]);
  assert.equal(v[a].value, 'A');
});

test('delete resolves {}, also for an absent key', async () => {
  const key = uniq('del');
  await kvs.write({ key, value: 1 });
  assert.deepEqual(await kvs.delete({ key }), {});
  assert.deepEqual(await kvs.get({ key }), {});
  assert.deepEqual(await kvs.delete({ key }), {});
});

test('checkAndWrite resolves {} when written, creates an absent key, and refuses with 404 + current', async () => {
  const key = uniq('cas');
  // Absent: a plain create whatever the condition.
  assert.deepEqual(await kvs.checkAndWrite({ key, value: { index: 1 }, operator: '=', unixtimeMs: 0 }), {});
  const first = await kvs.get({ key });
  const t1 = Date.parse(first[key].created_at);

  // created_at = t1 holds: written.
  assert.deepEqual(await kvs.checkAndWrite({ key, value: { index: 2 }, operator: '=', unixtimeMs: t1, minutesToExpire: 5 }), {});
  const second = await kvs.get({ key });
  assert.equal(second[key].value.index, 2);
  assert.ok(Date.parse(second[key].created_at) > t1);

  // The same condition again no longer holds: 404 with the live record.
  const err = await rejection(() => kvs.checkAndWrite({ key, value: { index: 3 }, operator: '=', unixtimeMs: t1 }));
  assert.ok(err instanceof KvsConditionFailedError);
  assert.equal(err.status, 404);
  assert.equal(err.httpStatus, 404);
  assert.equal(err.code, 'condition_failed');
  assert.deepEqual(err.current, second);
  assert.equal((await kvs.get({ key }))[key].value.index, 2, 'nothing changed');

  // The other operators, against created_at t2.
  const t2 = Date.parse(second[key].created_at);
  await assert.rejects(kvs.checkAndWrite({ key, value: 0, operator: '<', unixtimeMs: t2 }), { status: 404 });
  await assert.rejects(kvs.checkAndWrite({ key, value: 0, operator: '>', unixtimeMs: t2 }), { status: 404 });
  assert.deepEqual(await kvs.checkAndWrite({ key, value: 4, operator: '<=', unixtimeMs: t2 }), {});
  const t3 = Date.parse((await kvs.get({ key }))[key].created_at);
  assert.deepEqual(await kvs.checkAndWrite({ key, value: 5, operator: '>=', unixtimeMs: t3 - 1 }), {});
  assert.equal((await kvs.get({ key }))[key].value, 5);
});

test('validation errors have status 400', async () => {
  const key = uniq('bad');
  const cases = [
    [() => kvs.write({ key: 'has space', value: 1 }), KvsKeyError, 'invalid_key'],
    [() => kvs.write({ key: 'x'.repeat(513), value: 1 }), KvsKeyError, 'invalid_key'],
    [() => kvs.get({ key: 'ünïcode' }), KvsKeyError, 'invalid_key'],
    [() => kvs.write({ key, value: null }), KvsValidationError, 'invalid_value'],
    [() => kvs.write({ key, value: 'x'.repeat(2000) }), KvsValueTooLargeError, 'invalid_value'],
    [() => kvs.write({ key, value: 1, minutesToExpire: 0 }), KvsExpirationError, 'invalid_ttl'],
    [() => kvs.write({ key, value: 1, minutesToExpire: 1.5 }), KvsExpirationError, 'invalid_ttl'],
    [() => kvs.checkAndWrite({ key, value: 1, operator: '!=', unixtimeMs: 1 }), KvsValidationError, 'invalid_operator'],
    [() => kvs.checkAndWrite({ key, value: 1, operator: '<' }), KvsValidationError, 'invalid_operator'],
    [() => kvs.write({ key, value: 'x'.repeat(70_000) }), KvsValueTooLargeError, 'too_large'],
  ];
  for (const [call, type, code] of cases) {
    const err = await rejection(call);
    assert.ok(err instanceof type, `${code}: ${err}`);
    assert.equal(err.status, 400, code);
    assert.equal(err.code, code);
  }
  assert.equal((await rejection(cases.at(-1)[0])).httpStatus, 413);
});

test('a concurrent update (row held by another writer) is status 409', async () => {
  const key = uniq('held');
  await kvs.write({ key, value: 1 });
  const createdAt = Date.parse((await kvs.get({ key }))[key].created_at);
  const release = await holdRowLock(env.ns, key);
  try {
    const err = await rejection(() => kvs.checkAndWrite({ key, value: 2, operator: '=', unixtimeMs: createdAt }));
    assert.ok(err instanceof KvsConflictError);
    assert.equal(err.status, 409);
    assert.equal(err.code, 'conflict');
    const noRetry = createCraftKvs(opts({ retry: false }));
    await assert.rejects(noRetry.write({ key, value: 3 }), { status: 409, code: 'conflict' });
  } finally {
    await release();
  }
  assert.deepEqual(await kvs.checkAndWrite({ key, value: 2, operator: '=', unixtimeMs: createdAt }), {});
});

test('anything else is status 500, the real one in httpStatus', async () => {
  const bad = createCraftKvs(opts({ token: 'kvs_not-a-real-token-not-a-real-token-0000000' }));
  const e401 = await rejection(() => bad.get({ key: 'x' }));
  assert.ok(e401 instanceof KvsUnauthorizedError);
  assert.equal(e401.status, 500);
  assert.equal(e401.httpStatus, 401);

  const ro = createCraftKvs(opts({ token: env.roToken }));
  const e403 = await rejection(() => ro.write({ key: uniq('ro'), value: 1 }));
  assert.ok(e403 instanceof KvsForbiddenError);
  assert.equal(e403.status, 500);
  assert.equal(e403.httpStatus, 403);
  assert.deepEqual(await ro.get({ key: uniq('ro') }), {}, 'a read-only token still reads');
});
