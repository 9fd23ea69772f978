// 64 concurrent GETs of one key through the client (createKVNamespace().get) for N seconds:
// prints requests per second and the latency percentiles, one JSON line last for scripts.
//
// Usage: node bench/bench.mjs [client|fetch]   (KVS_TEST_URL, KVS_TEST_NS, KVS_TEST_TOKEN as
//        start-kvs.sh exports them; BENCH_SECONDS 10, BENCH_CONCURRENCY 64, BENCH_WARMUP_SECONDS 2,
//        BENCH_KEY bench). "fetch" makes the same GETs with bare fetch(): the baseline that tells
//        the client's own cost from fetch's.
import { createKVNamespace } from '@kvs/client';

const need = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set (see bench/compare.sh)`); })();
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const key = process.env.BENCH_KEY ?? 'bench';
const mode = process.argv[2] ?? 'client';

const kv = createKVNamespace({ baseUrl: need('KVS_TEST_URL'), namespace: need('KVS_TEST_NS'), token: need('KVS_TEST_TOKEN'), retry: false });
await kv.put(key, JSON.stringify({ hello: 'world', n: 42 }));
const url = `${need('KVS_TEST_URL')}/v1/ns/${need('KVS_TEST_NS')}/kv/${encodeURIComponent(key)}`;
const headers = { authorization: `Bearer ${need('KVS_TEST_TOKEN')}` };
const get = mode === 'fetch'
  ? async () => {
    const res = await fetch(url, { headers });
    const body = await res.json();
    return res.ok ? body[key].value : null;
  }
  : () => kv.get(key);

/** Each worker loops get() until the deadline; latencies recorded only after the warm-up. */
async function run(untilMs, latencies) {
  let errors = 0;
  const worker = async () => {
    while (performance.now() < untilMs) {
      const t0 = performance.now();
      try {
        if ((await get()) === null) throw new Error('missing');
      } catch {
        errors++;
        continue;
      }
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return errors;
}

await run(performance.now() + warmup * 1000);
const latencies = [];
const start = performance.now();
const cpu0 = process.cpuUsage();
const errors = await run(start + seconds * 1000, latencies);
const elapsed = (performance.now() - start) / 1000;
// This process's CPU per request: unlike req/s, it barely moves when other work shares the machine.
const cpu = process.cpuUsage(cpu0);
const cpuPerRequest = (cpu.user + cpu.system) / Math.max(1, latencies.length);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const result = {
  tool: mode === 'fetch' ? 'node-fetch' : 'node-client', concurrency, seconds: +elapsed.toFixed(2), requests: latencies.length, errors,
  rps: Math.round(latencies.length / elapsed), p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2),
  cpu_us_per_request: Math.round(cpuPerRequest), cpu_share: +((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2),
  node: process.version,
};
console.log(`${mode === 'fetch' ? 'bare fetch: ' : 'node client:'} ${result.rps} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${result.cpu_us_per_request} µs CPU per GET at ${result.cpu_share} cores (${result.requests} GETs, ${errors} errors, ${concurrency} concurrent, ${result.seconds} s)`);
console.log(JSON.stringify(result));
