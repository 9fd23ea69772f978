// Compiled by `npm run typecheck` (tsc --noEmit), never run: every call of the package, with the
// types a caller gets. A line marked @ts-expect-error must stay an error.
import {
  createCraftKvs, createKVNamespace, createKvsClient, BINARY_MARKER, DEFAULT_RETRY, parseRetryAfter,
  KvsError, KvsValidationError, KvsKeyError, KvsValueTooLargeError, KvsExpirationError, KvsMetadataError,
  KvsUnauthorizedError, KvsForbiddenError, KvsNotFoundError, KvsConditionFailedError, KvsConflictError,
  KvsRateLimitedError, KvsUnavailableError, KvsTimeoutError, KvsNetworkError,
  type CraftKvs, type KVNamespace, type KvsClient, type KvsRecord, type KVNamespaceListResult,
} from '@kvs/client';

const common = { baseUrl: 'http://localhost:8080', namespace: 'demo', token: 'kvs_x' };

async function craft(): Promise<void> {
  const kvs: CraftKvs = createCraftKvs({ ...common, timeoutMs: 2000, retry: { retries: 3, conditionalWrites: true } });
  const w = await kvs.write({ key: 'current_coupon', value: { index: 1 }, minutesToExpire: 60 });
  const index: number = w.current_coupon.value.index;
  const v = await kvs.get<{ index: number }>({ key: 'current_coupon' });
  const maybe: { index: number } | undefined = v.current_coupon?.value;
  const created: string = v.current_coupon.created_at;
  const many = await kvs.get({ key: ['a', 'b'] });
  await kvs.delete({ key: 'current_coupon' });
  await kvs.checkAndWrite({ key: 'k', value: 2, operator: '=', unixtimeMs: Date.parse(created), minutesToExpire: 5 });
  await kvs.write({ key: 'k', value: 'x', expiresAt: Date.now() + 60_000, metadata: { v: 1 } });
  // @ts-expect-error: an operator KVS does not know
  await kvs.checkAndWrite({ key: 'k', value: 2, operator: '!=', unixtimeMs: 1 });
  // @ts-expect-error: Craft's calls take one object
  await kvs.get('k');
  try {
    await kvs.checkAndWrite({ key: 'k', value: 3, operator: '<', unixtimeMs: 0 });
  } catch (e) {
    if (e instanceof KvsConditionFailedError) {
      const live = e.current?.k.value;
      const s: number = e.status;
      const real: number = e.httpStatus;
      void live, s, real;
    }
  }
  void index, maybe, many;
}

async function workers(): Promise<void> {
  const kv: KVNamespace = createKVNamespace({ ...common, maxStreamBytes: 4096, defaultExpirationTtl: 3600, retry: false });
  const t1: string | null = await kv.get('k');
  const t2: string | null = await kv.get('k', 'text');
  const t3: string | null = await kv.get('k', { type: 'text', cacheTtl: 60 });
  const j1 = await kv.get<{ user: string }>('k', 'json');
  const user: string | undefined = j1?.user;
  const j2 = await kv.get<number[]>('k', { type: 'json' });
  const b1: ArrayBuffer | null = await kv.get('k', 'arrayBuffer');
  const b2: ArrayBuffer | null = await kv.get('k', { type: 'arrayBuffer' });
  const s1: ReadableStream | null = await kv.get('k', 'stream');
  const s2: ReadableStream | null = await kv.get('k', { type: 'stream' });
  const m1: Map<string, string | null> = await kv.get(['a', 'b']);
  const m2: Map<string, { n: number } | null> = await kv.get<{ n: number }>(['a', 'b'], 'json');
  const m3: Map<string, string | null> = await kv.get(['a'], { type: 'text' });

  const w1 = await kv.getWithMetadata<{ owner: string }>('k');
  const v1: string | null = w1.value;
  const owner: string | undefined = w1.metadata?.owner;
  const w2 = await kv.getWithMetadata<{ n: number }, { v: number }>('k', 'json');
  const n: number | undefined = w2.value?.n;
  const w3 = await kv.getWithMetadata('k', { type: 'arrayBuffer' });
  const buf: ArrayBuffer | null = w3.value;
  const w4 = await kv.getWithMetadata('k', 'stream');
  const wm = await kv.getWithMetadata(['a', 'b'], 'json');
  const first = wm.get('a')?.value;

  await kv.put('k', 'text');
  await kv.put('k', new ArrayBuffer(8), { expirationTtl: 120 });
  await kv.put('k', new Uint8Array(8), { expiration: Math.floor(Date.now() / 1000) + 3600, metadata: { a: 1 } });
  await kv.put('k', new Blob(['x']).stream());
  // @ts-expect-error: Workers takes no numbers
  await kv.put('k', 42);
  await kv.delete('k');

  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<{ user: string }> = await kv.list<{ user: string }>({ prefix: 'session:', limit: 100, cursor });
    for (const key of page.keys) {
      const name: string = key.name;
      const expires: number | undefined = key.expiration;
      const who: string | undefined = key.metadata?.user;
      void name, expires, who;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  void t1, t2, t3, user, j2, b1, b2, s1, s2, m1, m2, m3, v1, owner, n, buf, w4, first;
}

async function plain(): Promise<void> {
  const c: KvsClient = createKvsClient({ ...common, fetch: globalThis.fetch });
  const r: KvsRecord<{ a: number }> | null = await c.get<{ a: number }>('k');
  const written = await c.write('k', { a: 1 }, { minutesToExpire: 5, metadata: { m: true } });
  const a: number = written.value.a;
  await c.checkAndWrite('k', { a: 2 }, { operator: '>=', unixtimeMs: 0 });
  await c.delete('k');
  const page = await c.list({ prefix: 'p', limit: 10, cursor: undefined });
  const next: string | undefined = page.cursor;
  const got = await c.bulkGet(['a', 'b']);
  const { written: count } = await c.bulkWrite([{ key: 'a', value: 1, minutesToExpire: 1 }]);
  const { deleted } = await c.bulkDelete(['a']);
  void r, a, next, got, count, deleted;
}

function errors(e: unknown): string {
  const marker: '$kvs_base64' = BINARY_MARKER;
  const max: number = DEFAULT_RETRY.maxRetryAfterMs;
  const ms: number | undefined = parseRetryAfter('3');
  if (e instanceof KvsRateLimitedError) return `retry in ${e.retryAfterMs}`;
  if (e instanceof KvsConflictError || e instanceof KvsUnavailableError) return e.code;
  if (e instanceof KvsKeyError || e instanceof KvsValueTooLargeError || e instanceof KvsExpirationError
    || e instanceof KvsMetadataError) return `${e.status} ${e.code}`;
  if (e instanceof KvsValidationError) return e.message;
  if (e instanceof KvsUnauthorizedError || e instanceof KvsForbiddenError || e instanceof KvsNotFoundError) return e.code;
  if (e instanceof KvsTimeoutError || e instanceof KvsNetworkError) return String(e.cause);
  if (e instanceof KvsError) return `${e.httpStatus} ${e.requestId ?? ''} ${JSON.stringify(e.body)}`;
  return `${marker} ${max} ${ms}`;
}

export { craft, workers, plain, errors };
