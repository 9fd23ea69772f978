// The plain client: one method per KVS endpoint, records unwrapped ({value, metadata?,
// created_at, expired_at}). The Craft and Workers facades are built on it.
import { createTransport } from './transport.js';
import { KvsKeyError } from './errors.js';

// "." and ".." cannot travel in a URL path: fetch's URL parser removes them as dot segments even
// when percent-encoded (%2E). Such keys go through the bulk endpoints, whose bodies are JSON.
const isDotKey = (key) => key === '.' || key === '..';

function keyPath(key) {
  if (typeof key !== 'string') throw new KvsKeyError('key must be a string', { status: 400, code: 'invalid_key' });
  return `/kv/${encodeURIComponent(key)}`;
}

/** Only the expiry and metadata fields the service takes, left out when undefined. */
function writeBody(value, opts = {}) {
  const body = { value };
  if (opts.minutesToExpire !== undefined) body.minutesToExpire = opts.minutesToExpire;
  if (opts.expiresAt !== undefined) body.expiresAt = opts.expiresAt;
  if (opts.metadata !== undefined) body.metadata = opts.metadata;
  return body;
}

export function createKvsClient(options) {
  const t = createTransport(options);

  const client = {
    /** The live record, or null when the key is absent or expired. */
    async get(key) {
      if (isDotKey(key)) return (await client.bulkGet([key]))[key];
      const answer = await t.request('GET', keyPath(key), undefined, { absentIsNull: true });
      return answer === null ? null : answer[key];
    },

    /** Upsert; resolves with the stored record. */
    async write(key, value, opts) {
      if (isDotKey(key)) {
        await client.bulkWrite([{ key, ...writeBody(value, opts) }]);
        return client.get(key);
      }
      const answer = await t.request('PUT', keyPath(key), writeBody(value, opts));
      return answer[key];
    },

    /** Written when the live record's created_at <operator> unixtimeMs holds, or there is none;
     *  else KvsConditionFailedError with `current`. Not retried unless retry.conditionalWrites. */
    async checkAndWrite(key, value, opts = {}) {
      if (isDotKey(key)) {
        throw new KvsKeyError('the keys "." and ".." cannot be written conditionally from fetch (no URL path holds them)',
          { status: 400, code: 'invalid_key' });
      }
      const body = { ...writeBody(value, opts), operator: opts.operator, unixtimeMs: opts.unixtimeMs };
      const answer = await t.request('PUT', keyPath(key), body, { conditional: true });
      return answer[key];
    },

    async delete(key) {
      if (isDotKey(key)) {
        await client.bulkDelete([key]);
        return;
      }
      await t.request('DELETE', keyPath(key));
    },

    /** One page of live keys starting with prefix, in byte order. */
    async list({ prefix, limit, cursor } = {}) {
      // encodeURIComponent, not URLSearchParams: the latter writes a space as "+", and KVS reads a
      // bare "+" as a space, so a "+" in a prefix must go as %2B.
      const q = [];
      if (prefix !== undefined && prefix !== '') q.push(`prefix=${encodeURIComponent(prefix)}`);
      if (limit !== undefined) q.push(`limit=${encodeURIComponent(limit)}`);
      if (cursor !== undefined && cursor !== '') q.push(`cursor=${encodeURIComponent(cursor)}`);
      return t.request('GET', `/kv${q.length ? `?${q.join('&')}` : ''}`);
    },

    /** {key: record | null} for up to 100 keys. */
    bulkGet(keys) {
      return t.request('POST', '/bulk/get', { keys });
    },

    /** All or none, up to 1,000 items {key, value, minutesToExpire?, expiresAt?, metadata?}. */
    bulkWrite(items) {
      return t.request('POST', '/bulk/write', { items });
    },

    bulkDelete(keys) {
      return t.request('POST', '/bulk/delete', { keys });
    },
  };
  return client;
}
