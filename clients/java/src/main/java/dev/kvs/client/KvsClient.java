package dev.kvs.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The typed client of KVS's event bus API, bound to one namespace.
 *
 * <p>It sends request/reply messages to the addresses KVS serves ({@code kvs.get}, {@code kvs.write},
 * ...) on the event bus of the {@link Vertx} it is given: the one KVS runs in (embedded), or a
 * clustered one that KVS processes joined. It keeps no state of its own: create one per namespace
 * (and token) and share it between threads and verticles.
 *
 * <p>Every call answers with a {@link Future}. A failed call fails with a {@link KvsFailure}:
 * <ul>
 *   <li>KVS's own error, as the API documents it: {@link KvsFailure#status()} is the HTTP status
 *       (400, 401, 403, 404, 409, 429, 503, ...), {@link KvsFailure#code()} the error code
 *       ({@code not_found}, {@code conflict}, ...). A refused conditional write is a
 *       {@link ConditionFailed} that carries the live record.</li>
 *   <li>no reply within {@link KvsClientOptions#setRequestTimeout the request timeout}: 504
 *       {@code timeout} (a write may or may not have been applied);</li>
 *   <li>no KVS process serving the address on this event bus: 503 {@code unavailable};</li>
 *   <li>a reply this client cannot read: 502 {@code invalid_reply}.</li>
 * </ul>
 * Arguments that are null where a value is required throw {@link NullPointerException} at once;
 * everything else (key syntax, limits, expiry rules) is checked by KVS, once, as over HTTP.
 *
 * <p>{@link KvsHttpClient} makes the same calls ({@link Kvs}) over HTTP, with the same results and failures.
 */
public final class KvsClient implements Kvs {
  static final String GET = "kvs.get";
  static final String WRITE = "kvs.write";
  static final String CHECK_AND_WRITE = "kvs.checkAndWrite";
  static final String DELETE = "kvs.delete";
  static final String LIST = "kvs.list";
  static final String BULK_GET = "kvs.bulk.get";
  static final String BULK_WRITE = "kvs.bulk.write";
  static final String BULK_DELETE = "kvs.bulk.delete";
  static final String CHANGES_SINCE = "kvs.changesSince";
  static final String CHANGES_PREFIX = "kvs.changes.";

  private final Vertx vertx;
  private final String namespace;
  private final String authorization;
  private final long requestTimeoutMs;
  private final long followPollIntervalMs;

  private KvsClient(Vertx vertx, String namespace, String token, long requestTimeoutMs, long followPollIntervalMs) {
    this.vertx = vertx;
    this.namespace = namespace;
    this.authorization = token == null ? null : "Bearer " + token;
    this.requestTimeoutMs = requestTimeoutMs;
    this.followPollIntervalMs = followPollIntervalMs;
  }

  /**
   * A client of {@code options.getNamespace()} on {@code vertx}'s event bus.
   *
   * @throws NullPointerException when there is no namespace
   * @throws IllegalArgumentException when a duration is not positive
   */
  public static KvsClient create(Vertx vertx, KvsClientOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    String namespace = Objects.requireNonNull(options.getNamespace(), "options.namespace");
    return new KvsClient(vertx, namespace, options.getToken(),
        positiveMillis(options.getRequestTimeout(), "requestTimeout"),
        positiveMillis(options.getFollowPollInterval(), "followPollInterval"));
  }

  /** {@code duration} in ms; the option {@code name} of either client's options must be positive. */
  static long positiveMillis(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + duration);
    }
    return duration.toMillis();
  }

  /** The namespace this client works on. */
  @Override
  public String namespace() {
    return namespace;
  }

  /** The live record of {@code key}; fails with 404 {@code not_found} when it is absent or expired. */
  @Override
  public Future<KvsRecord> get(String key) {
    return call(GET, keyBody(key), Replies::wrappedRecord);
  }

  /** Writes {@code value} (JsonObject, JsonArray, String, Number or Boolean) with the default expiry of one day. */
  @Override
  public Future<KvsRecord> write(String key, Object value) {
    return write(key, value, null);
  }

  /**
   * Writes {@code value} unconditionally; {@code options} (null for none) sets its expiry and metadata.
   * Answers with the stored record: its {@code createdAt} is now.
   */
  @Override
  public Future<KvsRecord> write(String key, Object value, WriteOptions options) {
    return call(WRITE, writeBody(key, value, options), Replies::wrappedRecord);
  }

  /** {@link #checkAndWrite(String, Object, Operator, long, WriteOptions)} with the default expiry and no metadata. */
  @Override
  public Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs) {
    return checkAndWrite(key, value, operator, unixtimeMs, null);
  }

  /**
   * Writes {@code value} when the live record's {@code created_at <operator> unixtimeMs} holds, or
   * when there is no live record. When the record exists and the condition is false, nothing is
   * written and the call fails with {@link ConditionFailed}, whose {@link ConditionFailed#current()}
   * is the live record. Check and write are one statement in KVS: no other write can come between.
   */
  @Override
  public Future<KvsRecord> checkAndWrite(String key, Object value, Operator operator, long unixtimeMs,
      WriteOptions options) {
    JsonObject body = Bodies.condition(writeBody(key, value, options), operator, unixtimeMs);
    return call(CHECK_AND_WRITE, body, Replies::wrappedRecord);
  }

  /** Deletes {@code key}; succeeds also when there was nothing to delete. */
  @Override
  public Future<Void> delete(String key) {
    return call(DELETE, keyBody(key), body -> null);
  }

  /** One page of live keys in byte order ({@code new ListOptions()}: the first page of all keys). */
  @Override
  public Future<KvsPage> list(ListOptions options) {
    return call(LIST, options.addTo(nsBody()), Replies::page);
  }

  /**
   * The live records of up to 100 keys, one read. The map holds only the keys that have a live
   * record, in the order asked: an absent or expired key is not in it ({@code get} gives null,
   * {@code containsKey} false).
   */
  @Override
  public Future<Map<String, KvsRecord>> bulkGet(List<String> keys) {
    return call(BULK_GET, Bodies.keys(nsBody(), keys), Replies::records);
  }

  /**
   * Writes up to 1,000 records, all or none (one statement). Answers with the number of distinct
   * keys written (a key given twice keeps its last item).
   */
  @Override
  public Future<Integer> bulkWrite(List<KvsWrite> items) {
    return call(BULK_WRITE, Bodies.items(nsBody(), items), body -> Replies.count(body, "written"));
  }

  /** Deletes up to 1,000 keys; answers with the number of live records removed. */
  @Override
  public Future<Integer> bulkDelete(List<String> keys) {
    return call(BULK_DELETE, Bodies.keys(nsBody(), keys), body -> Replies.count(body, "deleted"));
  }

  /**
   * Up to {@code limit} changes of the namespace's change log after {@code cursor}, oldest first.
   * A null cursor starts at the oldest change the server still keeps. Pass the page's
   * {@link KvsChangePage#cursor()} back to go on; {@code listComplete} false means more are there
   * now. A cursor older than what the server keeps fails with 410 {@code cursor_expired}: list the
   * namespace again, then go on from a fresh cursor.
   */
  @Override
  public Future<KvsChangePage> changesSince(String cursor, int limit) {
    return call(CHANGES_SINCE, changesBody(cursor).put("limit", limit), Replies::changePage);
  }

  /** {@link #changesSince(String, int)} with the server's default page size. */
  @Override
  public Future<KvsChangePage> changesSince(String cursor) {
    return call(CHANGES_SINCE, changesBody(cursor), Replies::changePage);
  }

  /**
   * Hands every change KVS publishes for this namespace from now on to {@code handler}, live, on
   * the context of the caller (or a new event-loop context).
   *
   * <p>The live feed is published at most once: a consumer that was away, or a message lost in
   * transit, is not told again. To see every change, use {@link #follow} instead. A message this
   * client cannot read is not handed over: its {@link KvsFailure} 502 {@code invalid_reply} goes
   * to the context's exception handler.
   */
  public KvsSubscription changes(Handler<KvsChange> handler) {
    Objects.requireNonNull(handler, "handler");
    return new KvsSubscription(vertx.eventBus().consumer(changesAddress(),
        message -> handler.handle(Replies.read(message.body(), Replies::change))));
  }

  /**
   * Hands {@code handler} every change after {@code cursor} (null: from the oldest change the
   * server keeps): first those in the change log, then each new one as it happens, in log order,
   * each exactly once. The live feed only wakes the follower; the changes themselves are read
   * with {@link #changesSince}, so a change seen both ways is never handed over twice and one
   * whose live message was lost is still read.
   *
   * <p>The handler runs on the context of the caller (or a new event-loop context), one change at a
   * time. Following stops at the first failure (a call that failed, including 410
   * {@code cursor_expired}, or an exception from the handler): {@link KvsFollower#ended()} then fails
   * with it, and {@link KvsFollower#cursor()} is where to follow again from.
   */
  @Override
  public KvsFollower follow(String cursor, Handler<KvsChange> handler) {
    Objects.requireNonNull(handler, "handler");
    return KvsFollower.start(this, vertx, changesAddress(), cursor, handler, followPollIntervalMs);
  }

  String changesAddress() {
    return CHANGES_PREFIX + namespace;
  }

  /**
   * Sends one request and reads its reply. The reply completes on the caller's context, so a
   * verticle's calls stay on its event loop.
   */
  private <T> Future<T> call(String address, JsonObject body, Function<JsonObject, T> reader) {
    // <Object>: a reply body of another type is an invalid reply, read by Replies, not a cast failure here.
    return vertx.eventBus().<Object>request(address, body, deliveryOptions())
        .recover(failure -> Future.failedFuture(Failures.of(address, failure)))
        .map(reply -> Replies.read(reply.body(), reader));
  }

  /** New for every request: the event bus keeps the options' headers as the message's own. */
  private DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(requestTimeoutMs);
    if (authorization != null) {
      options.addHeader("authorization", authorization);
    }
    return options;
  }

  private JsonObject nsBody() {
    return new JsonObject().put("ns", namespace);
  }

  private JsonObject changesBody(String cursor) {
    JsonObject body = nsBody();
    return cursor == null ? body : body.put("cursor", cursor);
  }

  private JsonObject keyBody(String key) {
    return nsBody().put("key", Objects.requireNonNull(key, "key"));
  }

  private JsonObject writeBody(String key, Object value, WriteOptions options) {
    return Bodies.value(keyBody(key), value, options);
  }
}
