package dev.kvs.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KvsHttpClient} talks to KVS over HTTP. {@link KvsHttpClient#create} checks and reads
 * these once: changing them afterwards does not change a client.
 *
 * <pre>{@code new KvsHttpClientOptions("http://kvs.internal:8080", "demo").setToken(token)}</pre>
 *
 * <p>Retries: a call refused with 429 {@code rate_limited} or 503 {@code unavailable} (the
 * server's, or no connection to it) is tried again up to {@link #setMaxRetries maxRetries} times,
 * after the server's {@code Retry-After} when it sends one, else after an exponential backoff from
 * {@link #setRetryBackoff retryBackoff}. A conditional write is retried on 429 only (KVS refuses
 * a 429 before reading the body, so nothing was written), not on 503, after which the first try
 * may have been applied and a retry would be refused by its own write; {@link
 * #setRetryConditionalWrites} turns that on too. A timeout (504) is never retried.
 */
public final class KvsHttpClientOptions {
  /** Default {@link #getRequestTimeout()}: 10 seconds, as {@link KvsClientOptions}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link #getMaxConnections()}: 16 connections to KVS. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16;
  /** Default {@link #getKeepAliveTimeout()}: an idle connection is closed after 60 seconds. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);
  /** Default {@link #getMaxRetries()}: 2 retries, 3 tries in all. */
  public static final int DEFAULT_MAX_RETRIES = 2;
  /** Default {@link #getRetryBackoff()}: 100 ms before the first retry when the server says nothing. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
  /** Default {@link #getMaxRetryDelay()}: 10 seconds. */
  public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(10);
  /**
   * Default {@link #getFollowPollInterval()}: 1 second. Over HTTP the poll is the only way a
   * follower learns of new changes, so it is shorter than the event bus client's 5 s.
   */
  public static final Duration DEFAULT_FOLLOW_POLL_INTERVAL = Duration.ofSeconds(1);

  private String baseUrl;
  private String namespace;
  private String token;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private boolean keepAlive = true;
  private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
  private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
  private boolean retryConditionalWrites;
  private Duration followPollInterval = DEFAULT_FOLLOW_POLL_INTERVAL;

  public KvsHttpClientOptions() {}

  public KvsHttpClientOptions(String baseUrl, String namespace) {
    this.baseUrl = baseUrl;
    this.namespace = namespace;
  }

  public String getBaseUrl() {
    return baseUrl;
  }

  /**
   * Where KVS serves its API (required): {@code http://host[:port]} or {@code https://host[:port]},
   * optionally with a path prefix that a proxy puts in front of {@code /v1} ({@code https://gw/kvs}).
   */
  public KvsHttpClientOptions setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
    return this;
  }

  public String getNamespace() {
    return namespace;
  }

  /** The namespace every call of the client works on (required). */
  public KvsHttpClientOptions setNamespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public String getToken() {
    return token;
  }

  /**
   * A data token of the namespace, sent as {@code Authorization: Bearer <token>}; null (the
   * default) sends none, for a KVS with authentication off.
   */
  public KvsHttpClientOptions setToken(String token) {
    this.token = token;
    return this;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /**
   * How long one try may take, from asking the pool for a connection to the last byte of the
   * answer, before it fails with 504 {@code timeout}; default 10 s. Each retry has its own.
   */
  public KvsHttpClientOptions setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    return this;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  /**
   * At most this many HTTP/1.1 connections to KVS at once (default 16); further calls wait for one
   * (within their request timeout).
   */
  public KvsHttpClientOptions setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }

  public boolean isKeepAlive() {
    return keepAlive;
  }

  /** Reuse connections between calls (default true); false opens one per call. */
  public KvsHttpClientOptions setKeepAlive(boolean keepAlive) {
    this.keepAlive = keepAlive;
    return this;
  }

  public Duration getKeepAliveTimeout() {
    return keepAliveTimeout;
  }

  /** How long an idle kept-alive connection stays open (default 60 s; whole seconds). */
  public KvsHttpClientOptions setKeepAliveTimeout(Duration keepAliveTimeout) {
    this.keepAliveTimeout = Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    return this;
  }

  public int getMaxRetries() {
    return maxRetries;
  }

  /** How many times a call refused with 429 or 503 is tried again (default 2; 0: never, as {@link KvsClient}). */
  public KvsHttpClientOptions setMaxRetries(int maxRetries) {
    this.maxRetries = maxRetries;
    return this;
  }

  public Duration getRetryBackoff() {
    return retryBackoff;
  }

  /**
   * The wait before the first retry when the answer has no {@code Retry-After} (default 100 ms);
   * it doubles with each retry, with jitter, up to {@link #setMaxRetryDelay maxRetryDelay}.
   */
  public KvsHttpClientOptions setRetryBackoff(Duration retryBackoff) {
    this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
    return this;
  }

  public Duration getMaxRetryDelay() {
    return maxRetryDelay;
  }

  /**
   * The longest wait before a retry (default 10 s). A {@code Retry-After} longer than this is not
   * waited for: the call fails at once with the refusal, rather than retrying too early.
   */
  public KvsHttpClientOptions setMaxRetryDelay(Duration maxRetryDelay) {
    this.maxRetryDelay = Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
    return this;
  }

  public boolean isRetryConditionalWrites() {
    return retryConditionalWrites;
  }

  /**
   * Retry conditional writes on 503 too (default false). A 503 may come after the write was
   * applied; its retry then fails with {@link ConditionFailed} whose {@code current()} is the
   * client's own write. Turn it on when the caller recognises that case.
   */
  public KvsHttpClientOptions setRetryConditionalWrites(boolean retryConditionalWrites) {
    this.retryConditionalWrites = retryConditionalWrites;
    return this;
  }

  public Duration getFollowPollInterval() {
    return followPollInterval;
  }

  /** How often {@link KvsHttpClient#follow} asks {@code /changes} for new changes (default 1 s). */
  public KvsHttpClientOptions setFollowPollInterval(Duration followPollInterval) {
    this.followPollInterval = Objects.requireNonNull(followPollInterval, "followPollInterval");
    return this;
  }
}
