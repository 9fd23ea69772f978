// The files in examples/ are user code, unchanged but for their import: run here against KVS,
// they must give what they give on Craft and on Workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshNamespace } from './helpers.mjs';

/** Imports a Craft example with the KVS_* variables its module reads at load time. */
async function loadCraft(file, ns) {
  process.env.KVS_URL = ns.baseUrl;
  process.env.KVS_NAMESPACE = ns.namespace;
  process.env.KVS_TOKEN = ns.token;
  return (await import(`../examples/${file}`)).default;
}

/** The env a Worker gets: its settings, and no binding (the example makes it). */
const workerEnv = (ns, extra = {}) => ({ KVS_URL: ns.baseUrl, KVS_NAMESPACE: ns.namespace, KVS_TOKEN: ns.token, ...extra });

/** ctx.waitUntil as Workers runs it: the promises finish after the answer. */
function executionContext() {
  const pending = [];
  return { waitUntil: (p) => pending.push(p), passThroughOnException() {}, settled: () => Promise.all(pending) };
}

test('Craft coupon counter: 12 visitors at once share 8 coupons, each handed out exactly once', async () => {
  const issueCoupon = await loadCraft('craft-coupon.mjs', await freshNamespace('js-ex-coupon'));
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => issueCoupon({ user: `u${i}` })));
  const coupons = results.map((r) => r.coupon).filter(Boolean).sort();
  assert.deepEqual(coupons, ['SPRING-01', 'SPRING-02', 'SPRING-03', 'SPRING-04', 'SPRING-05', 'SPRING-06', 'SPRING-07', 'SPRING-08']);
  assert.equal(results.filter((r) => r.reason === 'sold out').length, 4);
  assert.deepEqual(await issueCoupon({ user: 'late' }), { user: 'late', coupon: null, reason: 'sold out' });
});

test('Craft last visit: first visit, returning visits counted, forgotten on request', async () => {
  const lastVisit = await loadCraft('craft-last-visit.mjs', await freshNamespace('js-ex-visits'));
  assert.deepEqual(await lastVisit({ user_id: 'u1', now: 'monday' }), { message: 'first visit', lastSeen: null });
  assert.deepEqual(await lastVisit({ user_id: 'u1', now: 'tuesday' }), { message: 'welcome back, visit 2', lastSeen: 'monday' });
  assert.deepEqual(await lastVisit({ user_id: 'u1', now: 'friday' }), { message: 'welcome back, visit 3', lastSeen: 'tuesday' });
  assert.deepEqual(await lastVisit({ user_id: 'u2', now: 'friday' }), { message: 'first visit', lastSeen: null });
  assert.deepEqual(await lastVisit({ user_id: 'u1', action: 'forget' }), { forgotten: true });
  assert.deepEqual(await lastVisit({ user_id: 'u1', now: 'sunday' }), { message: 'first visit', lastSeen: null });
});

test('Worker session store: login, me, logout, and logout-everywhere over a list() cursor loop', async () => {
  const worker = (await import('../examples/worker-sessions.mjs')).default;
  const env = workerEnv(await freshNamespace('js-ex-sessions'));
  const call = (method, path, { body, sid } = {}) => worker.fetch(new Request(`https://app.example${path}`, {
    method,
    body: body && JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(sid ? { cookie: `theme=dark; sid=${sid}` } : {}) },
  }), env);
  const login = async (user) => {
    const res = await call('POST', '/login', { body: { user } });
    assert.equal(res.status, 200);
    return res.headers.get('set-cookie').match(/^sid=([^;]+)/)[1];
  };

  const ada = await login('ada');
  assert.deepEqual(await (await call('GET', '/me', { sid: ada })).json(), { user: 'ada' });
  assert.equal((await call('GET', '/me')).status, 401);
  assert.equal((await call('GET', '/me', { sid: 'forged' })).status, 401);
  assert.equal((await call('POST', '/logout', { sid: ada })).status, 204);
  assert.equal((await call('GET', '/me', { sid: ada })).status, 401);

  // 230 sessions of ada and 20 of bob: three pages of 100 to walk.
  const adas = [];
  for (let i = 0; i < 230; i++) adas.push(await login('ada'));
  const bobs = [];
  for (let i = 0; i < 20; i++) bobs.push(await login('bob'));
  const res = await call('POST', '/admin/logout-everywhere?user=ada');
  assert.deepEqual(await res.json(), { user: 'ada', ended: 230 });
  assert.equal((await call('GET', '/me', { sid: adas[117] })).status, 401);
  assert.deepEqual(await (await call('GET', '/me', { sid: bobs[7] })).json(), { user: 'bob' });
});

test('Worker API cache: a MISS then HITs, byte-identical bodies (JSON and binary), upstream asked once', async () => {
  const png = Uint8Array.from({ length: 600 }, (_, i) => (i * 7919) % 256); // binary, not UTF-8
  const hits = {};
  const upstream = createServer((req, res) => {
    hits[req.url] = (hits[req.url] ?? 0) + 1;
    if (req.url.startsWith('/logo.png')) {
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    } else if (req.url.startsWith('/weather')) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ city: new URL(req.url, 'http://x').searchParams.get('city'), temp: 21.5, note: 'sunny ☀' }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
    }
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  try {
    const worker = (await import('../examples/worker-api-cache.mjs')).default;
    const ns = await freshNamespace('js-ex-cache', { maxValueBytes: 4096 });
    const env = workerEnv(ns, { UPSTREAM_URL: `http://127.0.0.1:${upstream.address().port}` });
    const get = async (path) => {
      const ctx = executionContext();
      const res = await worker.fetch(new Request(`https://api.example${path}`), env, ctx);
      const body = new Uint8Array(await res.arrayBuffer());
      await ctx.settled();
      return { status: res.status, cache: res.headers.get('x-cache'), type: res.headers.get('content-type'), body };
    };

    const first = await get('/weather?city=Oslo');
    assert.equal(first.cache, 'MISS');
    const again = await get('/weather?city=Oslo');
    assert.equal(again.cache, 'HIT');
    assert.equal(again.type, 'application/json; charset=utf-8');
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(again.body)), { city: 'Oslo', temp: 21.5, note: 'sunny ☀' });
    assert.equal((await get('/weather?city=Rome')).cache, 'MISS', 'the query is part of the key');

    const logo = await get('/logo.png');
    const logo2 = await get('/logo.png');
    assert.deepEqual([logo.cache, logo2.cache], ['MISS', 'HIT']);
    assert.deepEqual(logo2.body, png);
    assert.equal(logo2.type, 'image/png');

    assert.equal((await get('/missing')).status, 404);
    assert.equal((await get('/missing')).cache, 'MISS', 'errors are not cached');
    assert.deepEqual(hits, { '/weather?city=Oslo': 1, '/weather?city=Rome': 1, '/logo.png': 1, '/missing': 2 });
  } finally {
    upstream.close();
  }
});
