package dev.kvs.client;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The typed client of KVS's HTTP API, bound to one namespace: the same calls ({@link Kvs}), the
 * same records and the same failures as {@link KvsClient} on the event bus, so switching between
 * them changes only the line that creates the client.
 *
 * <p>It runs on vertx-core's own non-blocking {@code HttpClient} with a pool of kept-alive
 * connections (see {@link KvsHttpClientOptions}); results complete on the caller's context when
 * it has one. Create one per namespace and token, share it, and {@link #close()} it when done.
 *
 * <p>A failed call fails with a {@link KvsFailure}, as {@link KvsClient}'s do:
 * <ul>
 *   <li>KVS's own error, from the answer's error JSON: the same status and code the event bus gives
 *       (a refused conditional write is a {@link ConditionFailed} with the live record);</li>
 *   <li>no answer within the request timeout: 504 {@code timeout};</li>
 *   <li>KVS not reachable (connection refused, unknown host) or the connection broke before the
 *       answer: 503 {@code unavailable};</li>
 *   <li>a 2xx answer this client cannot read: 502 {@code invalid_reply}; an error that is not the
 *       API's error JSON (a proxy's page): its HTTP status, code {@code unknown}.</li>
 * </ul>
 * Unlike {@link KvsClient}, it retries 429 and 503 by default, honouring {@code Retry-After}
 * (see {@link KvsHttpClientOptions}); {@code setMaxRetries(0)} fails at once as the event bus client does.
 * There is no live feed over HTTP: {@link #follow} polls the change log.
 */
public final class KvsHttpClient implements Kvs {
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final String namespace;
  private final HttpPaths paths;
  private final HttpExchange exchange;
  private final RetryPolicy retries;
  private final long followPollIntervalMs;

  private KvsHttpClient(Vertx vertx, HttpClientAgent client, String namespace, HttpPaths paths, HttpExchange exchange,
      RetryPolicy retries, long followPollIntervalMs) {
    this.vertx = vertx;
    this.client = client;
    this.namespace = namespace;
    this.paths = paths;
    this.exchange = exchange;
    this.retries = retries;
    this.followPollIntervalMs = followPollIntervalMs;
  }

  /**
   * A client of {@code options.getNamespace()} at {@code options.getBaseUrl()}, on {@code vertx}.
   *
   * @throws NullPointerException when there is no base URL or namespace
   * @throws IllegalArgumentException when the base URL is not an http(s) URL, a duration is not
   *     positive, there are no connections or the retries are negative
   */
  public static KvsHttpClient create(Vertx vertx, KvsHttpClientOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    BaseUrl target = BaseUrl.parse(options.getBaseUrl());
    String namespace = Objects.requireNonNull(options.getNamespace(), "options.namespace");
    long timeoutMs = KvsClient.positiveMillis(options.getRequestTimeout(), "requestTimeout");
    long pollMs = KvsClient.positiveMillis(options.getFollowPollInterval(), "followPollInterval");
    long keepAliveSeconds = Math.max(1, KvsClient.positiveMillis(options.getKeepAliveTimeout(), "keepAliveTimeout") / 1000);
    KvsClient.positiveMillis(options.getRetryBackoff(), "retryBackoff");
    if (options.getMaxRetryDelay().isNegative()) {
      throw new IllegalArgumentException("maxRetryDelay must not be negative, got " + options.getMaxRetryDelay());
    }
    if (options.getMaxConnections() < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, got " + options.getMaxConnections());
    }
    if (options.getMaxRetries() < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, got " + options.getMaxRetries());
    }

    HttpClientOptions http = new HttpClientOptions()
        .setDefaultHost(target.host()).setDefaultPort(target.port()).setSsl(target.ssl()).setVerifyHost(true)
        .setKeepAlive(options.isKeepAlive()).setKeepAliveTimeout((int) Math.min(Integer.MAX_VALUE, keepAliveSeconds))
        // Past the request deadline, so that a slow connect is reported by the deadline: 504, as any other wait.
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs + 1_000));
    HttpClientAgent client = vertx.createHttpClient(http, new PoolOptions().setHttp1MaxSize(options.getMaxConnections()));
    return new KvsHttpClient(vertx, client, namespace, new HttpPaths(target.pathPrefix(), namespace),
        new HttpExchange(vertx, client, target, options.getToken(), timeoutMs),
        new RetryPolicy(options.getMaxRetries(), options.getRetryBackoff(), options.getMaxRetryDelay(),
            options.isRetryConditionalWrites()),
        pollMs);
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public Future<KvsRecord> get(String key) {
    return call(HttpMethod.GET, paths.record(key), null, false, Replies::wrappedRecord);
  }

  @Override
  public Future<KvsRecord> write(String key, Object value) {
    return write(key, value, null);
  }

  @Override
  public Future<KvsRecord> write(String key, Object value, WriteOptions options) {
    String uri = paths.record(key);
    return call(HttpMethod.PUT, uri, Bodies.value(new JsonObject(), value, options), false, Replies::wrappedRecord);
  }

  @Override
  public Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs) {
    return checkAndWrite(key, value, operator, unixtimeMs, null);
  }

  @Override
  public Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs,
      WriteOptions options) {
    String uri = paths.record(key);
    JsonObject body = Bodies.condition(Bodies.value(new JsonObject(), value, options), operator, unixtimeMs);
    return call(HttpMethod.PUT, uri, body, true, Replies::wrappedRecord);
  }

  @Override
  public Future<Void> delete(String key) {
    return call(HttpMethod.DELETE, paths.record(key), null, false, body -> null);
  }

  @Override
  public Future<KvsPage> list(ListOptions options) {
    return call(HttpMethod.GET, paths.list(options), null, false, Replies::page);
  }

  @Override
  public Future<Map<String, KvsRecord>> bulkGet(List<String> keys) {
    return call(HttpMethod.POST, paths.bulk("get"), Bodies.keys(new JsonObject(), keys), false, Replies::records);
  }

  @Override
  public Future<Integer> bulkWrite(List<KvsWrite> items) {
    return call(HttpMethod.POST, paths.bulk("write"), Bodies.items(new JsonObject(), items), false,
        body -> Replies.count(body, "written"));
  }

  @Override
  public Future<Integer> bulkDelete(List<String> keys) {
    return call(HttpMethod.POST, paths.bulk("delete"), Bodies.keys(new JsonObject(), keys), false,
        body -> Replies.count(body, "deleted"));
  }

  @Override
  public Future<KvsChangePage> changesSince(String cursor, int limit) {
    return call(HttpMethod.GET, paths.changes(cursor, limit), null, false, Replies::changePage);
  }

  @Override
  public Future<KvsChangePage> changesSince(String cursor) {
    return call(HttpMethod.GET, paths.changes(cursor, null), null, false, Replies::changePage);
  }

  /**
   * As {@link Kvs#follow}: over HTTP there is no live feed, so the follower reads {@code /changes}
   * from its cursor every {@link KvsHttpClientOptions#setFollowPollInterval follow poll interval}
   * (and at once again while pages come back incomplete). A change therefore reaches the handler
   * at most that long after it committed; otherwise it behaves as {@link KvsClient#follow}.
   */
  @Override
  public KvsFollower follow(String cursor, Handler<KvsChange> handler) {
    Objects.requireNonNull(handler, "handler");
    return KvsFollower.start(this, vertx, null, cursor, handler, followPollIntervalMs);
  }

  /** Closes the client's connections; calls made afterwards fail. */
  public Future<Void> close() {
    return client.close();
  }

  /** Sends one call, retried as the policy says, and reads its final answer. */
  private <T> Future<T> call(HttpMethod method, String uri, JsonObject body, boolean conditional,
      Function<JsonObject, T> reader) {
    String json = body == null ? null : body.encode();
    return attempt(method, uri, json, conditional, 0).map(answer -> HttpAnswers.read(answer, reader));
  }

  private Future<HttpExchange.Answer> attempt(HttpMethod method, String uri, String body, boolean conditional,
      int retriesDone) {
    Future<HttpExchange.Answer> sent = exchange.send(method, uri, body);
    return sent.transform(done -> {
      long delay = retries.delayMs(status(done), done.succeeded() ? done.result().retryAfter() : null, conditional,
          retriesDone);
      if (delay == RetryPolicy.NO_RETRY) {
        return sent;
      }
      // At least 1 ms: a timer cannot be set for 0 (Retry-After: 0).
      return vertx.timer(Math.max(1, delay)).compose(fired -> attempt(method, uri, body, conditional, retriesDone + 1));
    });
  }

  /** The status a try ended with: the answer's, or the one its transport failure maps to. */
  private static int status(AsyncResult<HttpExchange.Answer> done) {
    if (done.succeeded()) {
      return done.result().status();
    }
    return done.cause() instanceof KvsFailure failure ? failure.status() : 0;
  }
}
