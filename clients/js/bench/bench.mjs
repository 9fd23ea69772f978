// 64 concurrent GETs of one key through the client (createKVNamespace().get) for N seconds:
// prints requests per second and the latency percentiles, one JSON line last for scripts.
//
// Usage: node bench/bench.mjs          (KVS_TEST_URL, KVS_TEST_NS, KVS_TEST_TOKEN as start-kvs.sh
//        exports them; BENCH_SECONDS 10, BENCH_CONCURRENCY 64, BENCH_WARMUP_SECONDS 2, BENCH_KEY bench)
import { createKVNamespace } from '@kvs/client';

const need = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set (see bench/compare.sh)`); })();
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const key = process.env.BENCH_KEY ?? 'bench';

const kv = createKVNamespace({ baseUrl: need('KVS_TEST_URL'), namespace: need('KVS_TEST_NS'), token: need('KVS_TEST_TOKEN'), retry: false });
await kv.put(key, JSON.stringify({ hello: 'world', n: 42 }));

/** Each worker loops get() until the deadline; latencies recorded only after the warm-up. */
async function run(untilMs, latencies) {
  let errors = 0;
  const worker = async () => {
    while (performance.now() < untilMs) {
      const t0 = performance.now();
      try {
        if ((await kv.get(key)) === null) throw new Error('missing');
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
const errors = await run(start + seconds * 1000, latencies);
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const result = {
  tool: 'node-client', concurrency, seconds: +elapsed.toFixed(2), requests: latencies.length, errors,
  rps: Math.round(latencies.length / elapsed), p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2),
  node: process.version,
};
console.log(`node client: ${result.rps} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms (${result.requests} GETs, ${errors} errors, ${concurrency} concurrent, ${result.seconds} s)`);
console.log(JSON.stringify(result));
