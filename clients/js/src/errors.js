// Typed errors. Every failure of a call is a KvsError carrying the HTTP status and the service's
// error code, so callers branch on `instanceof` or on `status`/`code` rather than on messages.

export class KvsError extends Error {
  /**
   * @param {string} message
   * @param {{status?: number, code?: string, retryAfterMs?: number, requestId?: string,
   *          body?: unknown, cause?: unknown}} [details]
   */
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    /** HTTP status of the answer, or 0 when no answer came (timeout, network). The Craft facade
     *  rewrites it to Craft's four statuses; httpStatus always keeps the real one. */
    this.status = details.status ?? 0;
    this.httpStatus = this.status;
    /** The service's error code (`invalid_key`, `conflict`, ...) or a client one (`timeout`). */
    this.code = details.code ?? 'error';
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
    this.body = details.body;
  }
}

/** 400 and the other refusals of the request itself (413, 415, ...). */
export class KvsValidationError extends KvsError {}
/** A key KVS refuses: it takes 1 to 512 bytes of printable ASCII, Workers takes any UTF-8. */
export class KvsKeyError extends KvsValidationError {}
/** A value over the namespace's maxValueBytes (compact JSON), or a body over the service's limit. */
export class KvsValueTooLargeError extends KvsValidationError {}
/** An expiry KVS or the Workers rules refuse: under 60 s, in the past, past the namespace's max. */
export class KvsExpirationError extends KvsValidationError {}
/** Metadata that is not a JSON object, or over maxMetadataBytes. */
export class KvsMetadataError extends KvsValidationError {}
/** 401: token missing, unknown, revoked or expired. */
export class KvsUnauthorizedError extends KvsError {}
/** 403: token of another namespace, or without the scope (a read-only token writing). */
export class KvsForbiddenError extends KvsError {}
/** 404 not_found / namespace_not_found. */
export class KvsNotFoundError extends KvsError {}
/** 404 condition_failed: a conditional write was refused; `current` is the live record. */
export class KvsConditionFailedError extends KvsError {
  constructor(message, details = {}) {
    super(message, details);
    /** The live record the condition was checked against, in the Craft shape {key: record}. */
    this.current = details.current;
  }
}
/** 409 conflict: other writers held the record past the service's lock timeout. Retryable. */
export class KvsConflictError extends KvsError {}
/** 429 rate_limited: the namespace is over its rate; retryAfterMs says when to try again. */
export class KvsRateLimitedError extends KvsError {}
/** 503 unavailable: the database is unreachable or overloaded. */
export class KvsUnavailableError extends KvsError {}
/** No answer within the client's timeoutMs (the request was aborted). status 0. */
export class KvsTimeoutError extends KvsError {}
/** The request did not reach the service or the connection broke. status 0; `cause` is fetch's error. */
export class KvsNetworkError extends KvsError {}

/** Retry-After is whole seconds or an HTTP date; returns milliseconds, or undefined. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The class of each status that maps to one; 400 and 404 depend on the code (errorClass). */
const BY_STATUS = {
  401: KvsUnauthorizedError,
  403: KvsForbiddenError,
  409: KvsConflictError,
  413: KvsValueTooLargeError,
  429: KvsRateLimitedError,
  503: KvsUnavailableError,
};
const BY_400_CODE = new Map([
  ['invalid_key', KvsKeyError], ['invalid_ttl', KvsExpirationError], ['invalid_metadata', KvsMetadataError],
]);

function errorClass(status, code, message) {
  if (status === 400) {
    // invalid_value is both "null" and "over the limit": only the second is a size error.
    if (code === 'invalid_value' && /limit/.test(message)) return KvsValueTooLargeError;
    return BY_400_CODE.get(code) ?? KvsValidationError;
  }
  if (status === 404) return code === 'condition_failed' ? KvsConditionFailedError : KvsNotFoundError;
  return BY_STATUS[status] ?? (status >= 400 && status < 500 && status !== 408 ? KvsValidationError : KvsError);
}

/** The error for a non-2xx answer, from its status, its JSON body and its headers. */
export function errorFromResponse(status, body, headers) {
  const err = body && typeof body === 'object' && body.error ? body.error : {};
  const code = typeof err.code === 'string' ? err.code : `http_${status}`;
  const message = typeof err.message === 'string' ? err.message : `KVS answered HTTP ${status}`;
  const ErrorClass = errorClass(status, code, message);
  return new ErrorClass(message, {
    status,
    code,
    body,
    retryAfterMs: parseRetryAfter(headers?.get?.('retry-after')),
    requestId: headers?.get?.('x-request-id') ?? undefined,
    current: ErrorClass === KvsConditionFailedError ? body?.current : undefined,
  });
}
