// One HTTP exchange with KVS: fetch with a per-attempt timeout, the JSON answer or a typed error,
// and retries with backoff for the answers the service marks as transient.
import {
  errorFromResponse, KvsConflictError, KvsError, KvsNetworkError, KvsRateLimitedError,
  KvsTimeoutError, KvsUnavailableError,
} from './errors.js';

export const DEFAULT_RETRY = Object.freeze({
  retries: 2,              // attempts after the first
  baseDelayMs: 50,         // backoff: baseDelayMs * 2^n, with jitter, capped at maxDelayMs
  maxDelayMs: 2000,
  maxRetryAfterMs: 10000,  // a Retry-After longer than this is not waited for: the error is thrown
  conditionalWrites: false // retry checkAndWrite too (see README: a 503 may hide an applied write)
});

/** Validated connection options shared by the three facades. */
export function createTransport(options) {
  if (!options || typeof options !== 'object') throw new TypeError('options are required');
  const { baseUrl, namespace, token } = options;
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl)) {
    throw new TypeError('baseUrl must be an http(s) URL, e.g. "http://localhost:8080"');
  }
  if (typeof namespace !== 'string' || namespace === '') throw new TypeError('namespace must be a non-empty string');
  if (token != null && typeof token !== 'string') throw new TypeError('token must be a string');
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new TypeError('no fetch: pass options.fetch');
  const timeoutMs = options.timeoutMs ?? 10000;
  const retry = options.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...options.retry };
  const root = `${baseUrl.replace(/\/+$/, '')}/v1/ns/${encodeURIComponent(namespace)}`;
  const auth = token ? { authorization: `Bearer ${token}` } : {};
  const jsonHeaders = { ...auth, 'content-type': 'application/json' };

  async function once(method, path, body, absentIsNull) {
    // AbortController rather than AbortSignal.timeout: it also runs where the latter is missing.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res, text;
    try {
      res = await fetchFn(root + path, {
        method,
        headers: body === undefined ? auth : jsonHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      text = await res.text(); // inside the timeout: a body that stalls is a timeout too
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new KvsTimeoutError(`no answer from KVS within ${timeoutMs} ms (${method} ${path})`, { code: 'timeout', cause });
      }
      throw new KvsNetworkError(`KVS request failed: ${cause?.message ?? cause}`, { code: 'network', cause });
    } finally {
      clearTimeout(timer);
    }
    let json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined; // a proxy's HTML error page, say: the status still tells what happened
    }
    if (res.ok) {
      if (json === undefined) throw new KvsError(`KVS answered ${res.status} without JSON`, { status: res.status, code: 'bad_response' });
      return json;
    }
    // An absent key is an answer, not a failure: no error is built (stack trace and all) only for
    // the caller to catch it. Any other 404 (namespace_not_found) is still thrown.
    if (absentIsNull && res.status === 404 && json?.error?.code === 'not_found') return null;
    throw errorFromResponse(res.status, json, res.headers);
  }

  /**
   * @param {string} method
   * @param {string} path under /v1/ns/{ns}
   * @param {unknown} [body] sent as JSON
   * @param {{conditional?: boolean, absentIsNull?: boolean}} [how] conditional writes are retried
   *        only when asked; absentIsNull: resolve null on 404 not_found rather than throw
   */
  async function request(method, path, body, how) {
    const retries = how?.conditional && !retry.conditionalWrites ? 0 : retry.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(method, path, body, how?.absentIsNull);
      } catch (err) {
        if (attempt >= retries || !isTransient(err)) throw err;
        const delay = retryDelay(retry, attempt, err.retryAfterMs);
        if (delay === undefined) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return { request };
}

/** The failures worth another attempt: the service says so (409, 429, 503) or nothing came back. */
function isTransient(err) {
  return err instanceof KvsConflictError || err instanceof KvsRateLimitedError
    || err instanceof KvsUnavailableError || err instanceof KvsNetworkError;
}

/** Exponential backoff with jitter, never shorter than Retry-After; undefined: do not wait. */
function retryDelay(retry, attempt, retryAfterMs) {
  const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  const jittered = backoff / 2 + Math.random() * (backoff / 2); // spread concurrent retriers apart
  if (retryAfterMs === undefined) return jittered;
  return retryAfterMs > retry.maxRetryAfterMs ? undefined : Math.max(retryAfterMs, jittered);
}
