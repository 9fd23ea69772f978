// The Cloudflare Workers KVNamespace interface over KVS.
//
// Storage rules (so that what a Worker writes reads back byte-identical, and what Craft or HTTP
// clients write stays readable):
// - a string is stored as a JSON string value: put("k", "hi") stores "hi";
// - bytes (ArrayBuffer, a typed array or DataView, a ReadableStream) are stored as the JSON
//   object {"$kvs_base64": "<standard base64>"}, the only object shape the binding writes;
// - reading, a record's bytes are: the decoded base64 of that wrapper; the UTF-8 of a string
//   value; the UTF-8 of the compact JSON text of any other value (written by Craft or over HTTP).
//   "text" decodes them as UTF-8, "json" parses that text, "arrayBuffer" and "stream" give them.
import { createKvsClient } from './client.js';
import { fromBase64, fromUtf8, readStream, toBase64, utf8 } from './bytes.js';
import { KvsExpirationError, KvsMetadataError, KvsValidationError, KvsValueTooLargeError } from './errors.js';

export const BINARY_MARKER = '$kvs_base64';
const TYPES = ['text', 'json', 'arrayBuffer', 'stream'];
const MIN_TTL_SECONDS = 60; // Workers' minimum, also KVS's (its shortest expiry is one minute)

function typeOf(options) {
  const type = (typeof options === 'string' ? options : options?.type) ?? 'text';
  if (!TYPES.includes(type)) throw new TypeError(`unknown type "${type}": one of ${TYPES.join(', ')}`);
  return type;
}

const isBinary = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
  && Object.keys(v).length === 1 && typeof v[BINARY_MARKER] === 'string';

function bytesOf(value) {
  if (isBinary(value)) return fromBase64(value[BINARY_MARKER]);
  return utf8(typeof value === 'string' ? value : JSON.stringify(value));
}

function decode(value, type) {
  switch (type) {
    case 'text':
      return isBinary(value) ? fromUtf8(bytesOf(value)) : typeof value === 'string' ? value : JSON.stringify(value);
    case 'json':
      // A string holds the text a Worker put (usually JSON.stringify'd); other values are JSON already.
      return isBinary(value) ? JSON.parse(fromUtf8(bytesOf(value))) : typeof value === 'string' ? JSON.parse(value) : value;
    case 'arrayBuffer': {
      const bytes = bytesOf(value);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    case 'stream': {
      const bytes = bytesOf(value);
      return new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    }
  }
}

/** The JSON value stored for what a Worker puts. */
async function encode(value, maxStreamBytes) {
  if (typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return { [BINARY_MARKER]: toBase64(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) {
    return { [BINARY_MARKER]: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (value && typeof value.getReader === 'function') {
    const bytes = await readStream(value, maxStreamBytes, (n) => new KvsValueTooLargeError(
      `stream is over ${maxStreamBytes} bytes (read ${n}); KVS values are small: see maxValueBytes`,
      { status: 400, code: 'invalid_value' }));
    return { [BINARY_MARKER]: toBase64(bytes) };
  }
  throw new TypeError('KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.');
}

/** Workers' expiration (unix seconds) / expirationTtl (seconds) as KVS's expiry fields. */
function expiryOf({ expiration, expirationTtl } = {}, defaultTtlSeconds) {
  const bad = (message) => new KvsExpirationError(message, { status: 400, code: 'invalid_ttl' });
  if (expiration !== undefined && expirationTtl !== undefined) {
    throw bad('give expiration or expirationTtl, not both (KVS takes one expiry)');
  }
  if (expiration !== undefined) {
    if (!Number.isFinite(expiration)) throw bad(`invalid expiration ${expiration}`);
    if (expiration < Date.now() / 1000 + MIN_TTL_SECONDS) {
      throw bad(`Invalid expiration of ${expiration}. Expiration times must be at least ${MIN_TTL_SECONDS} seconds in the future.`);
    }
    return { expiresAt: Math.floor(expiration) * 1000 };
  }
  const ttl = expirationTtl ?? defaultTtlSeconds;
  if (ttl === undefined) return {}; // the service's default TTL (KVS_TTL_DEFAULT_MINUTES)
  if (!Number.isFinite(ttl) || ttl < MIN_TTL_SECONDS) {
    throw bad(`Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${MIN_TTL_SECONDS}.`);
  }
  // Whole minutes go as minutesToExpire (timed by the service's clock); other TTLs as an
  // absolute expiresAt from this machine's clock, since KVS counts TTLs in minutes.
  const seconds = Math.floor(ttl);
  return seconds % 60 === 0 ? { minutesToExpire: seconds / 60 } : { expiresAt: Date.now() + seconds * 1000 };
}

function metadataOf(metadata) {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new KvsMetadataError('KVS metadata must be a JSON object (Workers also takes other JSON values)',
      { status: 400, code: 'invalid_metadata' });
  }
  return metadata;
}

export function createKVNamespace(options) {
  const kvs = createKvsClient(options);
  const maxStreamBytes = options.maxStreamBytes ?? 65536;
  const defaultTtlSeconds = options.defaultExpirationTtl;

  function checkManyType(type) {
    if (type !== 'text' && type !== 'json') {
      throw new KvsValidationError(`get() of several keys takes "text" or "json", not "${type}"`, { status: 400, code: 'invalid_type' });
    }
  }

  async function getMany(keys, type, withMetadata) {
    checkManyType(type);
    const found = await kvs.bulkGet(keys);
    const out = new Map();
    for (const key of keys) {
      const r = found[key];
      const value = r ? decode(r.value, type) : null;
      out.set(key, withMetadata ? { value, metadata: r?.metadata ?? null, cacheStatus: null } : value);
    }
    return out;
  }

  return {
    /** cacheTtl is accepted and ignored: KVS's own read cache stays coherent across replicas. */
    async get(key, options) {
      const type = typeOf(options);
      if (Array.isArray(key)) return getMany(key, type, false);
      const r = await kvs.get(key);
      return r ? decode(r.value, type) : null;
    },

    async getWithMetadata(key, options) {
      const type = typeOf(options);
      if (Array.isArray(key)) return getMany(key, type, true);
      const r = await kvs.get(key);
      return { value: r ? decode(r.value, type) : null, metadata: r?.metadata ?? null, cacheStatus: null };
    },

    async put(key, value, options = {}) {
      const expiry = expiryOf(options, defaultTtlSeconds);
      const metadata = metadataOf(options.metadata);
      await kvs.write(key, await encode(value, maxStreamBytes), { ...expiry, metadata });
    },

    async delete(key) {
      await kvs.delete(key);
    },

    /** Workers' shape; every KVS key expires, so `expiration` (unix seconds) is always there. */
    async list({ prefix, limit, cursor } = {}) {
      const page = await kvs.list({ prefix: prefix ?? undefined, limit, cursor: cursor ?? undefined });
      const keys = page.keys.map((k) => {
        const key = { name: k.name, expiration: Math.floor(Date.parse(k.expired_at) / 1000) };
        if (k.metadata !== undefined) key.metadata = k.metadata;
        return key;
      });
      return page.list_complete
        ? { keys, list_complete: true, cacheStatus: null }
        : { keys, list_complete: false, cursor: page.cursor, cacheStatus: null };
    },
  };
}
