// The Craft Key-Value Store module's shape: single-object arguments, answers wrapped in their
// key, and errors whose `status` is one of the four Craft callers test for.
import { createKvsClient } from './client.js';
import { KvsError } from './errors.js';

/** Craft's statuses: 400 validation, 404 condition refused, 409 concurrent update, 500 the rest. */
function craftStatus(err) {
  const s = err.httpStatus;
  if (err.code === 'condition_failed') return 404;
  if (s === 409) return 409;
  // The request itself was refused (400, 413 too large, 414, 415, 431): validation in Craft's terms.
  if (s === 400 || s === 413 || s === 414 || s === 415 || s === 431) return 400;
  return 500;
}

async function craftCall(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof KvsError) err.status = craftStatus(err); // httpStatus keeps the real one
    throw err;
  }
}

const wrap = (key, record) => ({ [key]: record });

export function createCraftKvs(options) {
  const kvs = createKvsClient(options);
  return {
    /** Resolves {[key]: {value, created_at, expired_at}}. */
    write({ key, value, minutesToExpire, expiresAt, metadata } = {}) {
      return craftCall(async () => wrap(key, await kvs.write(key, value, { minutesToExpire, expiresAt, metadata })));
    },

    /** Resolves {[key]: record}, or {} when the key is absent or expired (as Craft: callers test
     *  `v[key]`). An array of keys (up to 100) resolves with the keys found. */
    get({ key } = {}) {
      return craftCall(async () => {
        if (Array.isArray(key)) {
          const found = await kvs.bulkGet(key);
          return Object.fromEntries(Object.entries(found).filter(([, r]) => r !== null));
        }
        const record = await kvs.get(key);
        return record ? wrap(key, record) : {};
      });
    },

    /** Resolves {}, also when there was nothing to delete. */
    delete({ key } = {}) {
      return craftCall(async () => {
        await kvs.delete(key);
        return {};
      });
    },

    /** Resolves {} when written; a refusal throws status 404 with `current` ({[key]: live record}). */
    checkAndWrite({ key, value, operator, unixtimeMs, minutesToExpire, expiresAt, metadata } = {}) {
      return craftCall(async () => {
        await kvs.checkAndWrite(key, value, { operator, unixtimeMs, minutesToExpire, expiresAt, metadata });
        return {};
      });
    },
  };
}
