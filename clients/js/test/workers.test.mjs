// createKVNamespace against the live service: every KVNamespace method, the storage rules, and
// the typed errors where KVS differs from Workers KV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BINARY_MARKER, createCraftKvs, createKVNamespace, createKvsClient, KvsExpirationError, KvsKeyError,
  KvsMetadataError, KvsValidationError, KvsValueTooLargeError,
} from '@kvs/client';
import { freshNamespace, opts, rejection, uniq } from './helpers.mjs';

const kv = createKVNamespace(opts());
const raw = createKvsClient(opts());

const streamOf = (...chunks) => new ReadableStream({
  start(c) {
    for (const chunk of chunks) c.enqueue(chunk);
    c.close();
  },
});
const readAll = async (stream) => new Uint8Array(await new Response(stream).arrayBuffer());
const allBytes = () => Uint8Array.from({ length: 256 }, (_, i) => i);

test('put/get text: absent is null, a string reads back as put, stored as a JSON string', async () => {
  const key = uniq('text');
  assert.equal(await kv.get(key), null);
  const text = 'héllo "wörld" \n\t 🎉 \\ </script>';
  assert.equal(await kv.put(key, text), undefined);
  assert.equal(await kv.get(key), text);
  assert.equal(await kv.get(key, 'text'), text);
  assert.equal(await kv.get(key, { type: 'text', cacheTtl: 60 }), text);
  assert.equal((await raw.get(key)).value, text, 'stored as a JSON string');
  assert.equal(await kv.get(uniq('text')), null);
  await kv.put(key, '');
  assert.equal(await kv.get(key), '');
});

test('get json parses the text a Worker put; arrayBuffer and stream give its UTF-8 bytes', async () => {
  const key = uniq('json');
  const doc = { user: 'ada', n: 1.5, tags: ['a', 'b'], nested: { ok: true } };
  await kv.put(key, JSON.stringify(doc));
  assert.deepEqual(await kv.get(key, 'json'), doc);
  assert.deepEqual(await kv.get(key, { type: 'json' }), doc);
  const buf = await kv.get(key, 'arrayBuffer');
  assert.ok(buf instanceof ArrayBuffer);
  assert.equal(new TextDecoder().decode(buf), JSON.stringify(doc));
  const stream = await kv.get(key, { type: 'stream' });
  assert.ok(stream instanceof ReadableStream);
  assert.equal(new TextDecoder().decode(await readAll(stream)), JSON.stringify(doc));
  await kv.put(key, 'not json');
  await assert.rejects(kv.get(key, 'json'), SyntaxError, 'as on Workers: the text is not JSON');
});

test('binary values read back byte-identical (ArrayBuffer, typed arrays, DataView, streams)', async () => {
  const bytes = allBytes();
  const cases = {
    arrayBuffer: bytes.buffer.slice(0),
    uint8: bytes,
    subarray: new Uint8Array([9, 9, ...bytes, 9]).subarray(2, 258), // a view with an offset
    dataView: new DataView(bytes.buffer.slice(0)),
    stream: streamOf(bytes.subarray(0, 100), bytes.subarray(100)),
  };
  for (const [name, value] of Object.entries(cases)) {
    const key = uniq(`bin-${name}`);
    await kv.put(key, value);
    assert.deepEqual(new Uint8Array(await kv.get(key, 'arrayBuffer')), bytes, name);
    assert.deepEqual(await readAll(await kv.get(key, 'stream')), bytes, name);
    const stored = (await raw.get(key)).value;
    assert.deepEqual(Object.keys(stored), [BINARY_MARKER], `${name} is stored as the base64 wrapper`);
  }
  // Bytes that are UTF-8 text read back as that text, as Workers' "text" decodes them.
  const key = uniq('bin-text');
  await kv.put(key, new TextEncoder().encode('{"a":[1,2]}'));
  assert.equal(await kv.get(key), '{"a":[1,2]}');
  assert.deepEqual(await kv.get(key, 'json'), { a: [1, 2] });
});

test('values written by Craft or HTTP read as their JSON text', async () => {
  const craft = createCraftKvs(opts());
  const key = uniq('craft');
  await craft.write({ key, value: { index: 7, price: 1.10 } });
  assert.equal(await kv.get(key), '{"index":7,"price":1.1}');
  assert.deepEqual(await kv.get(key, 'json'), { index: 7, price: 1.1 });
  await craft.write({ key, value: 42 });
  assert.equal(await kv.get(key), '42');
});

test('getWithMetadata, single and several keys', async () => {
  const key = uniq('meta');
  assert.deepEqual(await kv.getWithMetadata(key), { value: null, metadata: null, cacheStatus: null });
  await kv.put(key, 'v', { metadata: { owner: 'ada', v: 2 } });
  assert.deepEqual(await kv.getWithMetadata(key), { value: 'v', metadata: { owner: 'ada', v: 2 }, cacheStatus: null });
  await kv.put(key, JSON.stringify([1]));
  assert.deepEqual(await kv.getWithMetadata(key, 'json'), { value: [1], metadata: null, cacheStatus: null }, 'an overwrite without metadata drops it');

  const other = uniq('meta'), absent = uniq('meta');
  await kv.put(other, '{"x":1}', { metadata: { m: 1 } });
  const many = await kv.getWithMetadata([key, other, absent], 'json');
  assert.ok(many instanceof Map);
  assert.deepEqual([...many.keys()], [key, other, absent]);
  assert.deepEqual(many.get(other), { value: { x: 1 }, metadata: { m: 1 }, cacheStatus: null });
  assert.deepEqual(many.get(absent), { value: null, metadata: null, cacheStatus: null });
});

test('get of several keys is a Map in the order asked (bulk get), null for absent', async () => {
  const a = uniq('many'), b = uniq('many'), c = uniq('many');
  await kv.put(a, 'A');
  await kv.put(c, '"C"');
  const texts = await kv.get([a, b, c]);
  assert.ok(texts instanceof Map);
  assert.deepEqual([...texts], [[a, 'A'], [b, null], [c, '"C"']]);
  assert.deepEqual([...(await kv.get([c], 'json'))], [[c, 'C']]);
  assert.deepEqual([...(await kv.get([a], { type: 'text' }))], [[a, 'A']]);
  await assert.rejects(kv.get([a], 'arrayBuffer'), KvsValidationError);
  const tooMany = await rejection(() => kv.get(Array.from({ length: 101 }, (_, i) => `k${i}`)));
  assert.equal(tooMany.code, 'too_many_keys');
});

test('delete removes; deleting an absent key is fine', async () => {
  const key = uniq('del');
  await kv.put(key, 'x');
  assert.equal(await kv.delete(key), undefined);
  assert.equal(await kv.get(key), null);
  await kv.delete(key);
});

test('expirationTtl and expiration become the record expiry; list shows it in seconds', async () => {
  const prefix = uniq('exp') + ':';
  const before = Date.now();
  await kv.put(`${prefix}ttl-minutes`, 'a', { expirationTtl: 120 });
  await kv.put(`${prefix}ttl-seconds`, 'b', { expirationTtl: 90 });
  const after = Date.now();
  const at = Math.floor(before / 1000) + 3600;
  await kv.put(`${prefix}absolute`, 'c', { expiration: at });
  const { keys } = await kv.list({ prefix });
  const exp = Object.fromEntries(keys.map((k) => [k.name.slice(prefix.length), k.expiration]));
  const expiredAt = async (name) => Date.parse((await raw.get(`${prefix}${name}`)).expired_at);
  assert.equal(exp.absolute, at);
  assert.equal(await expiredAt('absolute'), at * 1000);
  // Whole minutes go as minutesToExpire: the service times them from the record's created_at.
  const minutes = await raw.get(`${prefix}ttl-minutes`);
  assert.equal(Date.parse(minutes.expired_at) - Date.parse(minutes.created_at), 120_000);
  assert.equal(exp['ttl-minutes'], Math.floor(Date.parse(minutes.expired_at) / 1000));
  // Other TTLs as expiresAt from this machine's clock, read by the put between before and after.
  const seconds = await expiredAt('ttl-seconds');
  assert.ok(seconds >= before + 90_000 && seconds <= after + 90_000, `${seconds} not in [${before}, ${after}] + 90 s`);
  assert.equal(exp['ttl-seconds'], Math.floor(seconds / 1000));
});

test('expiry rules are KvsExpirationError (Workers minimum 60 s, KVS maximum), nothing written', async () => {
  const key = uniq('badexp');
  for (const options of [
    { expirationTtl: 30 },
    { expirationTtl: 0 },
    { expirationTtl: Number.NaN },
    { expiration: Math.floor(Date.now() / 1000) + 10 },
    { expiration: 1 },
    { expiration: Math.floor(Date.now() / 1000) + 120, expirationTtl: 120 },
    { expirationTtl: 60 * 60 * 24 * 365 }, // over the namespace's maxTtlMinutes: the service says so
  ]) {
    const err = await rejection(() => kv.put(key, 'x', options));
    assert.ok(err instanceof KvsExpirationError, `${JSON.stringify(options)}: ${err}`);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_ttl');
  }
  assert.equal(await kv.get(key), null);
});

test('value and metadata limits are typed errors, never truncation', async () => {
  const small = createKVNamespace(await freshNamespace('js-small', { maxValueBytes: 100, maxMetadataBytes: 50 }));
  const key = uniq('big');
  await small.put(key, 'x'.repeat(98)); // 98 characters + 2 quotes = the limit
  const tooBig = await rejection(() => small.put(key, 'x'.repeat(99)));
  assert.ok(tooBig instanceof KvsValueTooLargeError);
  assert.equal(tooBig.status, 400);
  assert.match(tooBig.message, /limit is 100/);
  // A JSON string counts its escapes: 49 quotes take 98 bytes plus 2.
  await assert.rejects(small.put(key, '"'.repeat(50)), KvsValueTooLargeError);
  // Bytes count as base64: 72 bytes -> 96 characters in the wrapper, over 100 with it.
  await assert.rejects(small.put(key, new Uint8Array(72)), KvsValueTooLargeError);
  assert.equal((await small.get(key)).length, 98, 'the refused puts changed nothing');

  await assert.rejects(small.put(key, 'x', { metadata: { long: 'y'.repeat(60) } }), KvsMetadataError);
  for (const metadata of ['text', 5, [1, 2]]) {
    await assert.rejects(small.put(key, 'x', { metadata }), KvsMetadataError, JSON.stringify(metadata));
  }
  // A stream over maxStreamBytes is refused while it is read, before anything is sent.
  const capped = createKVNamespace({ ...opts(), maxStreamBytes: 1000 });
  const err = await rejection(() => capped.put(key, streamOf(new Uint8Array(600), new Uint8Array(600))));
  assert.ok(err instanceof KvsValueTooLargeError);
  await assert.rejects(kv.put(key, 12), TypeError);
});

test('list: Workers shape, prefix, limit, cursor paging over every key exactly once', async () => {
  const prefix = uniq('list') + ':';
  const names = Array.from({ length: 23 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  for (const [i, name] of names.entries()) await kv.put(name, String(i), i % 2 ? { metadata: { i } } : undefined);
  await kv.put(`${uniq('other')}`, 'not listed');

  const seen = [];
  let cursor;
  let pages = 0;
  for (;;) {
    const page = await kv.list({ prefix, limit: 5, cursor });
    pages++;
    seen.push(...page.keys);
    if (page.list_complete) {
      assert.equal(page.cursor, undefined);
      break;
    }
    assert.equal(typeof page.cursor, 'string');
    cursor = page.cursor;
  }
  assert.equal(pages, 5);
  assert.deepEqual(seen.map((k) => k.name), names);
  assert.deepEqual(seen[1].metadata, { i: 1 });
  assert.equal('metadata' in seen[0], false);
  assert.ok(seen.every((k) => Number.isInteger(k.expiration)));

  const all = await kv.list({ prefix });
  assert.equal(all.list_complete, true);
  assert.equal(all.keys.length, 23);
  assert.deepEqual((await kv.list({ prefix: `${prefix}nothing` })).keys, []);
});

test('keys: any printable ASCII round-trips, "." and ".." included; others are KvsKeyError', async () => {
  const base = uniq('keys');
  for (const key of [`${base}/a/b`, `${base}:%2F?#&=+`, `${base}..`, '.', '..', `${base}~!*'()`]) {
    await kv.put(key, key);
    assert.equal(await kv.get(key), key, key);
    assert.deepEqual(await kv.getWithMetadata(key), { value: key, metadata: null, cacheStatus: null });
    assert.ok((await kv.list({ prefix: key })).keys.some((k) => k.name === key), key);
    await kv.delete(key);
    assert.equal(await kv.get(key), null, key);
  }
  for (const key of ['with space', 'ключ', '', 'tab\t']) {
    const err = await rejection(() => kv.put(key, 'x'));
    assert.ok(err instanceof KvsKeyError, `${JSON.stringify(key)}: ${err}`);
  }
});
