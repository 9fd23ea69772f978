// Type declarations of @kvs/client, written by hand alongside src/ (plain JavaScript, no build).

// ---------------------------------------------------------------------------------------------
// Options shared by every facade

export interface RetryOptions {
  /** Attempts after the first. Default 2. */
  retries?: number;
  /** Backoff base: baseDelayMs * 2^attempt, with jitter. Default 50. */
  baseDelayMs?: number;
  /** Longest backoff between attempts. Default 2000. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown. Default 10000. */
  maxRetryAfterMs?: number;
  /** Retry conditional writes (checkAndWrite) too. Default false. */
  conditionalWrites?: boolean;
}

export interface KvsClientOptions {
  /** Where KVS listens, e.g. "http://localhost:8080" (no /v1 suffix). */
  baseUrl: string;
  /** The namespace every call of this object works in. */
  namespace: string;
  /** A token of the namespace (`kvs_...`); leave it out only when KVS runs with KVS_AUTH=off. */
  token?: string;
  /** Per attempt, in milliseconds, from sending to the answer's body read in full. Default 10000. */
  timeoutMs?: number;
  /** Retries on 409 / 429 / 503 / network failures; false turns them off. */
  retry?: RetryOptions | false;
  /** A fetch to use instead of globalThis.fetch (e.g. one with a custom undici Agent). */
  fetch?: typeof fetch;
}

// ---------------------------------------------------------------------------------------------
// Records, as KVS answers them

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface KvsRecord<V = any, M = JsonObject> {
  value: V;
  /** Only when the record has metadata. */
  metadata?: M;
  /** ISO-8601 UTC with milliseconds: when the record was created or last overwritten. */
  created_at: string;
  /** ISO-8601 UTC with milliseconds: when it expires. */
  expired_at: string;
}

/** The Craft shape: the record wrapped in its key. */
export type Wrapped<V = any> = { [key: string]: KvsRecord<V> };

export type Operator = '<' | '<=' | '=' | '>=' | '>';

export interface ExpiryOptions {
  /** 1 to the namespace's maxTtlMinutes; default KVS_TTL_DEFAULT_MINUTES (one day). */
  minutesToExpire?: number;
  /** Absolute expiry in unix milliseconds (instead of minutesToExpire). */
  expiresAt?: number;
}

// ---------------------------------------------------------------------------------------------
// Craft KVS module

export interface CraftWriteArgs<V = any> extends ExpiryOptions {
  key: string;
  value: V;
  metadata?: JsonObject;
}

export interface CraftCheckAndWriteArgs<V = any> extends CraftWriteArgs<V> {
  operator: Operator;
  unixtimeMs: number;
}

export interface CraftKvs {
  /** Resolves with the stored record wrapped in its key. */
  write<V = any>(args: CraftWriteArgs<V>): Promise<Wrapped<V>>;
  /** Resolves with the record wrapped in its key, or `{}` when the key is absent or expired.
   *  An array of keys (at most 100) resolves with those found. */
  get<V = any>(args: { key: string | string[] }): Promise<Wrapped<V>>;
  /** Resolves `{}`, also when there was nothing to delete. */
  delete(args: { key: string }): Promise<Record<string, never>>;
  /** Resolves `{}` when written. Refused: throws a KvsConditionFailedError with status 404 and
   *  `current`; a concurrent update: KvsConflictError with status 409. */
  checkAndWrite<V = any>(args: CraftCheckAndWriteArgs<V>): Promise<Record<string, never>>;
}

/** An object shaped like the Craft KVS module. Errors carry Craft's status: 400, 404, 409 or 500
 *  (`httpStatus` keeps the service's own). */
export function createCraftKvs(options: KvsClientOptions): CraftKvs;

// ---------------------------------------------------------------------------------------------
// Cloudflare Workers KVNamespace

export interface KVNamespaceOptions extends KvsClientOptions {
  /** Largest ReadableStream put() reads before throwing KvsValueTooLargeError. Default 65536. */
  maxStreamBytes?: number;
  /** expirationTtl (seconds, >= 60) for puts that give no expiry; default: the service's TTL. */
  defaultExpirationTtl?: number;
}

export type KVNamespaceGetType = 'text' | 'json' | 'arrayBuffer' | 'stream';

export interface KVNamespaceGetOptions<T extends KVNamespaceGetType | undefined = undefined> {
  type: T;
  /** Accepted and ignored: KVS's read cache stays coherent on its own. */
  cacheTtl?: number;
}

export interface KVNamespacePutOptions {
  /** Unix seconds, at least 60 s ahead. */
  expiration?: number;
  /** Seconds from now, at least 60. Whole minutes are timed by the service's clock. */
  expirationTtl?: number;
  /** A JSON object (KVS takes objects only). */
  metadata?: any;
}

export interface KVNamespaceListOptions {
  prefix?: string | null;
  /** 1 to 1000, default 1000. */
  limit?: number;
  cursor?: string | null;
}

export interface KVNamespaceListKey<Metadata = unknown, Key extends string = string> {
  name: Key;
  /** Unix seconds; always present, since every KVS record expires. */
  expiration?: number;
  metadata?: Metadata;
}

export type KVNamespaceListResult<Metadata = unknown, Key extends string = string> =
  | { list_complete: false; keys: KVNamespaceListKey<Metadata, Key>[]; cursor: string; cacheStatus: string | null }
  | { list_complete: true; keys: KVNamespaceListKey<Metadata, Key>[]; cacheStatus: string | null };

export interface KVNamespaceGetWithMetadataResult<Value, Metadata> {
  value: Value | null;
  metadata: Metadata | null;
  cacheStatus: string | null;
}

export interface KVNamespace<Key extends string = string> {
  get(key: Key, options?: Partial<KVNamespaceGetOptions<undefined>>): Promise<string | null>;
  get(key: Key, type: 'text'): Promise<string | null>;
  get<ExpectedValue = unknown>(key: Key, type: 'json'): Promise<ExpectedValue | null>;
  get(key: Key, type: 'arrayBuffer'): Promise<ArrayBuffer | null>;
  get(key: Key, type: 'stream'): Promise<ReadableStream<Uint8Array> | null>;
  get(key: Key, options?: KVNamespaceGetOptions<'text'>): Promise<string | null>;
  get<ExpectedValue = unknown>(key: Key, options?: KVNamespaceGetOptions<'json'>): Promise<ExpectedValue | null>;
  get(key: Key, options?: KVNamespaceGetOptions<'arrayBuffer'>): Promise<ArrayBuffer | null>;
  get(key: Key, options?: KVNamespaceGetOptions<'stream'>): Promise<ReadableStream<Uint8Array> | null>;
  get(keys: Key[], type?: 'text'): Promise<Map<string, string | null>>;
  get<ExpectedValue = unknown>(keys: Key[], type: 'json'): Promise<Map<string, ExpectedValue | null>>;
  get(keys: Key[], options?: Partial<KVNamespaceGetOptions<undefined>>): Promise<Map<string, string | null>>;
  get(keys: Key[], options?: KVNamespaceGetOptions<'text'>): Promise<Map<string, string | null>>;
  get<ExpectedValue = unknown>(keys: Key[], options?: KVNamespaceGetOptions<'json'>): Promise<Map<string, ExpectedValue | null>>;

  getWithMetadata<Metadata = unknown>(key: Key, options?: Partial<KVNamespaceGetOptions<undefined>>): Promise<KVNamespaceGetWithMetadataResult<string, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, type: 'text'): Promise<KVNamespaceGetWithMetadataResult<string, Metadata>>;
  getWithMetadata<ExpectedValue = unknown, Metadata = unknown>(key: Key, type: 'json'): Promise<KVNamespaceGetWithMetadataResult<ExpectedValue, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, type: 'arrayBuffer'): Promise<KVNamespaceGetWithMetadataResult<ArrayBuffer, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, type: 'stream'): Promise<KVNamespaceGetWithMetadataResult<ReadableStream<Uint8Array>, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, options: KVNamespaceGetOptions<'text'>): Promise<KVNamespaceGetWithMetadataResult<string, Metadata>>;
  getWithMetadata<ExpectedValue = unknown, Metadata = unknown>(key: Key, options: KVNamespaceGetOptions<'json'>): Promise<KVNamespaceGetWithMetadataResult<ExpectedValue, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, options: KVNamespaceGetOptions<'arrayBuffer'>): Promise<KVNamespaceGetWithMetadataResult<ArrayBuffer, Metadata>>;
  getWithMetadata<Metadata = unknown>(key: Key, options: KVNamespaceGetOptions<'stream'>): Promise<KVNamespaceGetWithMetadataResult<ReadableStream<Uint8Array>, Metadata>>;
  getWithMetadata<Metadata = unknown>(keys: Key[], type?: 'text'): Promise<Map<string, KVNamespaceGetWithMetadataResult<string, Metadata>>>;
  getWithMetadata<ExpectedValue = unknown, Metadata = unknown>(keys: Key[], type: 'json'): Promise<Map<string, KVNamespaceGetWithMetadataResult<ExpectedValue, Metadata>>>;
  getWithMetadata<Metadata = unknown>(keys: Key[], options?: KVNamespaceGetOptions<'text'>): Promise<Map<string, KVNamespaceGetWithMetadataResult<string, Metadata>>>;
  getWithMetadata<ExpectedValue = unknown, Metadata = unknown>(keys: Key[], options?: KVNamespaceGetOptions<'json'>): Promise<Map<string, KVNamespaceGetWithMetadataResult<ExpectedValue, Metadata>>>;

  put(key: Key, value: string | ArrayBuffer | ArrayBufferView | ReadableStream, options?: KVNamespacePutOptions): Promise<void>;
  delete(key: Key): Promise<void>;
  list<Metadata = unknown>(options?: KVNamespaceListOptions): Promise<KVNamespaceListResult<Metadata, Key>>;
}

/** An object implementing the Workers KVNamespace interface over one KVS namespace. */
export function createKVNamespace<Key extends string = string>(options: KVNamespaceOptions): KVNamespace<Key>;

/** The member name of the object a binary value is stored as: {"$kvs_base64": "..."}. */
export const BINARY_MARKER: '$kvs_base64';

// ---------------------------------------------------------------------------------------------
// The plain client: one method per endpoint, records unwrapped

export interface WriteOptions extends ExpiryOptions {
  metadata?: JsonObject;
}

export interface ConditionalWriteOptions extends WriteOptions {
  operator: Operator;
  unixtimeMs: number;
}

export interface ListOptions {
  prefix?: string;
  limit?: number;
  cursor?: string;
}

export interface ListPage {
  keys: { name: string; expired_at: string; metadata?: JsonObject }[];
  list_complete: boolean;
  /** Absent when list_complete is true. */
  cursor?: string;
}

export interface BulkWriteItem<V = any> extends WriteOptions {
  key: string;
  value: V;
}

export interface KvsClient {
  /** The live record, or null. */
  get<V = any>(key: string): Promise<KvsRecord<V> | null>;
  write<V = any>(key: string, value: V, options?: WriteOptions): Promise<KvsRecord<V>>;
  checkAndWrite<V = any>(key: string, value: V, options: ConditionalWriteOptions): Promise<KvsRecord<V>>;
  delete(key: string): Promise<void>;
  list(options?: ListOptions): Promise<ListPage>;
  bulkGet<V = any>(keys: string[]): Promise<{ [key: string]: KvsRecord<V> | null }>;
  bulkWrite(items: BulkWriteItem[]): Promise<{ written: number }>;
  bulkDelete(keys: string[]): Promise<{ deleted: number }>;
}

export function createKvsClient(options: KvsClientOptions): KvsClient;

export const DEFAULT_RETRY: Readonly<Required<RetryOptions>>;

// ---------------------------------------------------------------------------------------------
// Errors

export interface KvsErrorDetails {
  status?: number;
  code?: string;
  retryAfterMs?: number;
  requestId?: string;
  body?: unknown;
  cause?: unknown;
}

export class KvsError extends Error {
  constructor(message: string, details?: KvsErrorDetails);
  /** The HTTP status (0 when no answer came). The Craft facade sets Craft's: 400, 404, 409, 500. */
  status: number;
  /** The HTTP status of the answer, 0 when none came. */
  readonly httpStatus: number;
  /** The service's error code (`invalid_key`, `conflict`, ...) or the client's (`timeout`, `network`). */
  code: string;
  /** From Retry-After, on 429 and 503. */
  retryAfterMs?: number;
  /** X-Request-Id of a 500, to find the service's log line. */
  requestId?: string;
  /** The parsed error body. */
  body?: unknown;
}
export class KvsValidationError extends KvsError {}
export class KvsKeyError extends KvsValidationError {}
export class KvsValueTooLargeError extends KvsValidationError {}
export class KvsExpirationError extends KvsValidationError {}
export class KvsMetadataError extends KvsValidationError {}
export class KvsUnauthorizedError extends KvsError {}
export class KvsForbiddenError extends KvsError {}
export class KvsNotFoundError extends KvsError {}
export class KvsConditionFailedError extends KvsError {
  constructor(message: string, details?: KvsErrorDetails & { current?: Wrapped });
  /** The live record the condition was checked against: {[key]: record}. */
  current?: Wrapped;
}
export class KvsConflictError extends KvsError {}
export class KvsRateLimitedError extends KvsError {}
export class KvsUnavailableError extends KvsError {}
export class KvsTimeoutError extends KvsError {}
export class KvsNetworkError extends KvsError {}

/** Retry-After (seconds or an HTTP date) in milliseconds, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now?: number): number | undefined;
/** The typed error for a non-2xx answer. */
export function errorFromResponse(status: number, body: unknown, headers?: { get(name: string): string | null }): KvsError;
