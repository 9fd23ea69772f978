package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.client.ConditionFailed;
import dev.kvs.client.Kvs;
import dev.kvs.client.KvsChange;
import dev.kvs.client.KvsChangePage;
import dev.kvs.client.KvsClient;
import dev.kvs.client.KvsClientOptions;
import dev.kvs.client.KvsFailure;
import dev.kvs.client.KvsFollower;
import dev.kvs.client.KvsHttpClient;
import dev.kvs.client.KvsHttpClientOptions;
import dev.kvs.client.KvsListedKey;
import dev.kvs.client.KvsPage;
import dev.kvs.client.KvsRecord;
import dev.kvs.client.KvsWrite;
import dev.kvs.client.ListOptions;
import dev.kvs.client.Operator;
import dev.kvs.client.WriteOptions;
import dev.kvs.support.Auth;
import dev.kvs.support.Await;
import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.TcpProxy;
import dev.kvs.support.TestPostgres;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KvsHttpClient against KvsClient on a real KVS, authentication on: the same call through the
 * event bus and through HTTP gives the same typed result or the same typed failure (class,
 * status, code, message, and for a refused conditional write the live record).
 */
class KvsHttpClientIT {
  private static TestService kvs;
  /** The HTTP clients run on a Vert.x of their own, as in a process that is not KVS. */
  private static Vertx clientVertx;
  private static final List<KvsHttpClient> httpClients = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    kvs = TestService.start("kvs_http_client", merged(Auth.on(), Map.of(
        "KVS_DB_LOCK_TIMEOUT_MS", "300",
        "KVS_MAX_BODY_BYTES", "16384",
        "KVS_TTL_MAX_MINUTES", "1000",
        "KVS_TTL_DEFAULT_MINUTES", "60",
        "KVS_RETRY_AFTER_SECONDS", "1")));
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    for (KvsHttpClient client : httpClients) {
      client.close().await();
    }
    clientVertx.close().await();
    kvs.close();
  }

  // ---- the same call through both clients ----

  /** One call as a user writes it, against either client, and how it ends ("ok" or "status code"). */
  record Call(String name, String expected, Function<Kvs, Future<?>> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Call> calls() {
    List<KvsWrite> tooMany = IntStream.range(0, 1001).mapToObj(i -> KvsWrite.of("k" + i, i)).toList();
    return Stream.of(
        call("get", "ok", c -> c.get("present")),
        call("get absent", "404 not_found", c -> c.get("absent")),
        call("get key with a space", "400 invalid_key", c -> c.get("a b")),
        call("get non-ASCII key", "400 invalid_key", c -> c.get("café")),
        call("get empty key", "400 invalid_key", c -> c.get("")),
        call("get key of 513 bytes", "400 invalid_key", c -> c.get("k".repeat(513))),
        call("get key that needs escaping", "ok", c -> c.get("a/b?c#d%2F.+&=")),
        call("get key ..", "ok", c -> c.get("..")),
        call("write", "ok", c -> c.write("w1", new JsonObject().put("n", 1))),
        call("write with options", "ok", c -> c.write("w2", new JsonArray().add(1).add("two"),
            new WriteOptions().setMinutesToExpire(5).setMetadata(new JsonObject().put("m", true)))),
        call("write string, number, boolean", "ok", c -> c.write("w3", "s").compose(r -> c.write("w4", 1.5))
            .compose(r -> c.write("w5", true)).compose(r -> c.bulkGet(List.of("w3", "w4", "w5")))),
        call("write ttl over max", "400 invalid_ttl", c -> c.write("w6", 1, new WriteOptions().setMinutesToExpire(1001))),
        call("write expiresAt in the past", "400 invalid_ttl", c -> c.write("w6", 1, new WriteOptions().setExpiresAt(Instant.ofEpochMilli(1)))),
        call("write value over its limit (400)", "400 invalid_value", c -> c.write("w6", "x".repeat(2_000))),
        call("write body over the route's limit (413)", "413 too_large", c -> c.write("w6", "x".repeat(20_000))),
        call("write metadata over its limit", "400 invalid_metadata", c -> c.write("w6", 1, new WriteOptions().setMetadata(new JsonObject().put("m", "x".repeat(2_000))))),
        call("checkAndWrite on absent", "ok", c -> c.checkAndWrite("c1", 1, Operator.LT, 1)),
        call("checkAndWrite compare-and-swap", "ok", c -> c.get("present")
            .compose(read -> c.checkAndWrite("present", "swapped", Operator.EQ, read.createdAtMillis()))),
        call("checkAndWrite refused (404 condition_failed)", "404 condition_failed", c -> c.checkAndWrite("present", 1, Operator.LT, 1)),
        call("checkAndWrite unixtimeMs out of range", "400 invalid_operator", c -> c.checkAndWrite("c2", 1, Operator.EQ, Long.MAX_VALUE)),
        call("delete", "404 not_found", c -> c.delete("doomed").compose(v -> c.get("doomed"))),
        call("delete absent", "ok", c -> c.delete("absent")),
        call("list all", "ok", c -> c.list(new ListOptions())),
        call("list prefix and limit", "ok", c -> c.list(new ListOptions().setPrefix("p").setLimit(2))),
        call("list next page", "ok", c -> c.list(new ListOptions().setPrefix("p").setLimit(2))
            .compose(page -> c.list(new ListOptions().setPrefix("p").setLimit(2).setCursor(page.cursor())))),
        call("list prefix with +", "ok", c -> c.list(new ListOptions().setPrefix("a+"))),
        call("list limit 0", "400 invalid_limit", c -> c.list(new ListOptions().setLimit(0))),
        call("list bad cursor", "400 invalid_cursor", c -> c.list(new ListOptions().setCursor("!!"))),
        call("list bad prefix", "400 invalid_prefix", c -> c.list(new ListOptions().setPrefix("a b"))),
        call("bulk get", "ok", c -> c.bulkGet(List.of("present", "absent", "p1"))),
        call("bulk get too many", "400 too_many_keys", c -> c.bulkGet(IntStream.range(0, 101).mapToObj(i -> "k" + i).toList())),
        call("bulk write", "ok", c -> c.bulkWrite(List.of(KvsWrite.of("b1", 1), KvsWrite.of("b2", "two",
            new WriteOptions().setMinutesToExpire(7)))).compose(n -> c.bulkGet(List.of("b1", "b2")))),
        call("bulk write bad item", "400 invalid_key", c -> c.bulkWrite(List.of(KvsWrite.of("ok", 1), KvsWrite.of("bad key", 2)))),
        call("bulk write too many", "400 too_many_items", c -> c.bulkWrite(tooMany)),
        call("bulk delete", "ok", c -> c.bulkDelete(List.of("p1", "absent"))),
        call("changes since the start", "ok", c -> c.changesSince(null)),
        call("changes page of 2", "ok", c -> c.changesSince(null, 2)),
        call("changes bad cursor", "400 invalid_cursor", c -> c.changesSince("nope")),
        call("changes bad limit", "400 invalid_limit", c -> c.changesSince(null, 5_000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void theSameCallGivesTheSameOutcomeThroughBothClients(Call c) {
    String suffix = Integer.toString(Math.abs(c.name.hashCode()));
    Kvs bus = busClient(prepared("b" + suffix), UnaryOperator.identity());
    Kvs http = httpClient(kvs, prepared("h" + suffix), UnaryOperator.identity());

    Outcome overBus = Outcome.of(c.call.apply(bus));
    Outcome overHttp = Outcome.of(c.call.apply(http));

    // Parity alone would pass if both failed alike for a wrong reason: each case ends as it should.
    assertEquals(c.expected, overBus.failure == null ? "ok" : overBus.statusAndCode(), overBus.toString());
    assertEquals(overBus.comparable(bus.namespace()), overHttp.comparable(http.namespace()), c.name);
  }

  @Test
  void readsOfOneStateAreEqualToTheMillisecond() {
    Namespace ns = prepared("sameview");
    Kvs bus = busClient(ns, UnaryOperator.identity());
    Kvs http = httpClient(kvs, ns, UnaryOperator.identity());
    for (Function<Kvs, Future<?>> read : List.<Function<Kvs, Future<?>>>of(
        c -> c.get("present"),
        c -> c.list(new ListOptions()),
        c -> c.bulkGet(List.of("present", "absent", "p2")),
        c -> c.changesSince(null),
        c -> c.checkAndWrite("present", 1, Operator.LT, 1))) {
      assertEquals(Outcome.of(read.apply(bus)), Outcome.of(read.apply(http)));
    }
  }

  @Test
  void whatOneClientWritesTheOtherReadsBackKeysThatNeedEscapingToo() {
    Namespace ns = prepared("crossed");
    Kvs bus = busClient(ns, UnaryOperator.identity());
    Kvs http = httpClient(kvs, ns, UnaryOperator.identity());
    for (String key : List.of("a/b", ".", "..", "%2F", "?#&=+", "~!$'()*,;:@[]", "x".repeat(512))) {
      KvsRecord written = http.write(key, key).await();
      assertEquals(written, bus.get(key).await(), key);
      KvsRecord rewritten = bus.write(key, key + "!").await();
      assertEquals(rewritten, http.get(key).await(), key);
      http.delete(key).await();
      assertEquals(KvsFailure.NOT_FOUND, Outcome.of(bus.get(key)).code(), key);
    }
  }

  // ---- failures of admission ----

  @Test
  void noTokenATokenOfAnotherNamespaceAndAMissingScopeFailAlike() {
    Namespace ns = prepared("guarded");
    Auth.createNamespace(kvs, "other", new JsonObject());
    String otherToken = Auth.issue(kvs, "other", "read", "write").getString("token");
    String readOnly = Auth.issue(kvs, ns.name, "read").getString("token");

    assertSameFailure(401, "unauthorized", c -> c.get("present"), new Namespace(ns.name, null));
    assertSameFailure(401, "unauthorized", c -> c.get("present"), new Namespace(ns.name, "kvs_not-a-token"));
    assertSameFailure(403, "forbidden", c -> c.get("present"), new Namespace(ns.name, otherToken));
    assertSameFailure(403, "forbidden", c -> c.write("present", 1), new Namespace(ns.name, readOnly));
    assertSameFailure(403, "forbidden", c -> c.get("present"), new Namespace("Not-A-Namespace", otherToken));
    assertSameFailure(403, "forbidden", c -> c.get("present"), new Namespace(ns.name, Auth.ADMIN));
  }

  private static void assertSameFailure(int status, String code, Function<Kvs, Future<?>> call, Namespace ns) {
    Outcome overBus = Outcome.of(call.apply(busClient(ns, UnaryOperator.identity())));
    Outcome overHttp = Outcome.of(call.apply(httpClient(kvs, ns, UnaryOperator.identity())));
    assertEquals(status + " " + code, overBus.statusAndCode(), overBus.toString());
    assertEquals(overBus, overHttp);
  }

  // ---- failures of the database and of the transport ----

  @Test
  void aRowHeldByAnotherWriterIs409ConflictThroughBothClients() throws Exception {
    Namespace ns = prepared("held");
    Kvs bus = busClient(ns, UnaryOperator.identity());
    Kvs http = httpClient(kvs, ns, UnaryOperator.identity());
    try (var c = kvs.sql(); var s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SELECT 1 FROM kv WHERE ns = 'held' AND key = 'present' FOR UPDATE");
      for (Function<Kvs, Future<?>> write : List.<Function<Kvs, Future<?>>>of(
          k -> k.write("present", 1), k -> k.checkAndWrite("present", 1, Operator.GT, 1), k -> k.delete("present"))) {
        Outcome overBus = Outcome.of(write.apply(bus));
        assertEquals("409 conflict", overBus.statusAndCode());
        assertEquals(overBus, Outcome.of(write.apply(http)));
      }
      c.rollback();
    }
    assertEquals("present", bus.get("present").await().value(), "neither client wrote");
  }

  @Test
  void overTheRateIs429AndTheHttpClientRetriesAfterRetryAfter() {
    Auth.createNamespace(kvs, "slowed", new JsonObject().put("requestsPerSecond", 1));
    Namespace ns = new Namespace("slowed", Auth.issue(kvs, "slowed", "read", "write").getString("token"));
    Kvs bus = busClient(ns, UnaryOperator.identity());
    Kvs noRetries = httpClient(kvs, ns, o -> o.setMaxRetries(0));
    Kvs retrying = httpClient(kvs, ns, o -> o.setMaxRetries(3));

    Outcome first = Outcome.of(bus.get("absent"));
    assertEquals("404 not_found", first.statusAndCode(), "the bucket's one request");
    Outcome overBus = Outcome.of(bus.get("absent"));
    assertEquals("429 rate_limited", overBus.statusAndCode());
    assertEquals(overBus, Outcome.of(noRetries.get("absent")));

    long started = System.nanoTime();
    Outcome retried = Outcome.of(retrying.get("absent"));
    long waitedMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals("404 not_found", retried.statusAndCode(), "admitted once the bucket refilled");
    assertTrue(waitedMs >= 500, "waited for Retry-After (1 s, less what had passed): " + waitedMs + " ms");
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIs504Timeout() throws Exception {
    Namespace ns = prepared("patient");
    Kvs bus = busClient(ns, o -> o.setRequestTimeout(Duration.ofMillis(300)));
    Kvs http = httpClient(kvs, ns, o -> o.setRequestTimeout(Duration.ofMillis(300)));
    try (AutoCloseable slow = kvs.trigger("kvs_http_slow", "INSERT OR UPDATE",
        "IF NEW.key = 'slow' THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW;")) {
      Outcome overBus = Outcome.of(bus.write("slow", 1));
      Outcome overHttp = Outcome.of(http.write("slow", 1));
      assertEquals("KvsFailure 504 timeout", overBus.kindStatusAndCode());
      assertEquals(overBus.kindStatusAndCode(), overHttp.kindStatusAndCode(), overHttp.toString());
      // Both writes still run in the database, sleeping in the trigger: they finish before it goes.
      try (java.sql.Connection c = kvs.sql(); java.sql.Statement s = c.createStatement()) {
        DatabaseActivity.awaitNone(s, "application_name = 'kvs' AND state <> 'idle'",
            "the timed-out writes never finished");
      }
    }
  }

  @Test
  void nobodyServingIs503UnavailableForBoth() {
    Vertx empty = Vertx.vertx();
    try {
      Kvs bus = KvsClient.create(empty, new KvsClientOptions("nowhere"));
      Kvs http = KvsHttpClient.create(empty, new KvsHttpClientOptions("http://127.0.0.1:" + TestService.freePort(), "nowhere")
          .setRetryBackoff(Duration.ofMillis(10)));
      Outcome overBus = Outcome.of(bus.get("k"));
      assertEquals("KvsFailure 503 unavailable", overBus.kindStatusAndCode());
      assertEquals(overBus.kindStatusAndCode(), Outcome.of(http.get("k")).kindStatusAndCode());
    } finally {
      empty.close().await();
    }
  }

  @Test
  void aLostDatabaseIs503ThroughBothAndRetriedOverHttpAfterRetryAfter() {
    Vertx proxyVertx = Vertx.vertx();
    TcpProxy proxy = new TcpProxy(proxyVertx, TestPostgres.get().host(), TestPostgres.get().port());
    int proxyPort = proxy.start();
    Namespace ns = prepared("outage");
    TestService replica = TestService.startOn(kvs.database, TestPostgres.get().kvsUrl("127.0.0.1", proxyPort, kvs.database),
        merged(Auth.on(), Map.of("KVS_DB_CONNECT_TIMEOUT_MS", "1000", "KVS_RETRY_AFTER_SECONDS", "1")));
    try {
      Kvs bus = KvsClient.create(replica.vertx, new KvsClientOptions(ns.name).setToken(ns.token));
      Kvs once = httpClient(replica, ns, o -> o.setMaxRetries(0));
      // Through a relay that counts connections, keep-alive off: each try of a call is a connection of its own.
      TcpProxy relay = new TcpProxy(proxyVertx, "127.0.0.1", replica.port);
      relay.start();
      Kvs retrying = httpClient("http://127.0.0.1:" + relay.port(), ns, o -> o.setMaxRetries(2).setKeepAlive(false));
      assertEquals("present", bus.get("present").await().value(), "the replica serves, its token is known");
      assertEquals("present", once.get("present").await().value());

      proxy.stop();
      Outcome overBus = Outcome.of(bus.get("p1"));
      assertEquals("503 unavailable", overBus.statusAndCode());
      assertEquals(overBus, Outcome.of(once.get("p1")));
      Outcome writeOverBus = Outcome.of(bus.write("during", 1));
      assertEquals("503 unavailable", writeOverBus.statusAndCode());
      assertEquals(writeOverBus, Outcome.of(once.write("during", 1)));

      // Every try has connected before its call completes: once it has, the count is final, whatever the machine's speed.
      long started = System.nanoTime();
      assertEquals("503 unavailable", Outcome.of(retrying.get("p1")).statusAndCode());
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(3, relay.accepted(), "tried, then retried twice");
      assertTrue(waitedMs >= 2_000, "two retries, each after Retry-After: 1: " + waitedMs + " ms");
      assertEquals("503 unavailable", Outcome.of(retrying.checkAndWrite("during", 1, Operator.LT, 1)).statusAndCode());
      assertEquals(3 + 1, relay.accepted(), "a conditional write is not retried on 503: one try");
      assertEquals("503 unavailable", Outcome.of(retrying.write("during", 1)).statusAndCode());
      assertEquals(3 + 1 + 3, relay.accepted(), "a plain write is: three tries");
    } finally {
      replica.close();
      proxyVertx.close().await();
    }
  }

  // ---- following the change log ----

  @Test
  void followingOverHttpHandsOverWhatFollowingOverTheBusDoes() {
    Namespace ns = prepared("followed");
    Kvs bus = busClient(ns, UnaryOperator.identity());
    Kvs http = httpClient(kvs, ns, o -> o.setFollowPollInterval(Duration.ofMillis(100)));
    List<KvsChange> overBus = Collections.synchronizedList(new ArrayList<>());
    List<KvsChange> overHttp = Collections.synchronizedList(new ArrayList<>());
    KvsFollower busFollower = bus.follow(null, overBus::add);
    KvsFollower httpFollower = http.follow(null, overHttp::add);

    http.write("f1", 1).await();
    bus.bulkWrite(List.of(KvsWrite.of("f2", 2), KvsWrite.of("f3", 3))).await();
    http.delete("f1").await();
    int expected = 8 + 4; // the seed (8 keys, in one bulk write), then four changes
    Await.until("both followers saw every change", 10_000, () -> overBus.size() >= expected && overHttp.size() >= expected);
    busFollower.unregister().await();
    httpFollower.unregister().await();

    assertEquals(List.copyOf(overBus), List.copyOf(overHttp), "the same changes, cursors and times included, in order");
    assertEquals(busFollower.cursor(), httpFollower.cursor());
    assertTrue(http.changesSince(httpFollower.cursor()).await().changes().isEmpty(), "the follower's cursor is at the end");
  }

  // ---- helpers ----

  /** A namespace and a token of it (null: none). */
  record Namespace(String name, String token) {}

  /** A new namespace with a read-write token and the same eight records, each its key as value and metadata. */
  private static Namespace prepared(String name) {
    Auth.createNamespace(kvs, name, new JsonObject());
    Namespace ns = new Namespace(name, Auth.issue(kvs, name, "read", "write").getString("token"));
    List<KvsWrite> seed = new ArrayList<>();
    for (String key : List.of("present", "doomed", "p1", "p2", "p3", "a+1", "a/b?c#d%2F.+&=", "..")) {
      seed.add(KvsWrite.of(key, key, new WriteOptions().setMinutesToExpire(10).setMetadata(new JsonObject().put("of", key))));
    }
    busClient(ns, UnaryOperator.identity()).bulkWrite(seed).await();
    return ns;
  }

  private static Kvs busClient(Namespace ns, UnaryOperator<KvsClientOptions> options) {
    return KvsClient.create(kvs.vertx, options.apply(new KvsClientOptions(ns.name).setToken(ns.token)));
  }

  private static Kvs httpClient(TestService service, Namespace ns, UnaryOperator<KvsHttpClientOptions> options) {
    return httpClient("http://127.0.0.1:" + service.port, ns, options);
  }

  private static Kvs httpClient(String baseUrl, Namespace ns, UnaryOperator<KvsHttpClientOptions> options) {
    KvsHttpClient client = KvsHttpClient.create(clientVertx, options.apply(
        new KvsHttpClientOptions(baseUrl, ns.name).setToken(ns.token)));
    httpClients.add(client);
    return client;
  }

  private static Call call(String name, String expected, Function<Kvs, Future<?>> call) {
    return new Call(name, expected, call);
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new LinkedHashMap<>(a);
    all.putAll(b);
    return all;
  }

  /**
   * How a call ended: its result, or its failure as the user sees it (class, status, code,
   * message, and the live record of a refused conditional write).
   */
  record Outcome(Object result, String failure, Object current) {
    static Outcome of(Future<?> call) {
      try {
        return new Outcome(call.await(), null, null);
      } catch (ConditionFailed refused) {
        return new Outcome(null, describe(refused), refused.current());
      } catch (KvsFailure failed) {
        return new Outcome(null, describe(failed), null);
      }
    }

    private static String describe(KvsFailure failure) {
      return failure.getClass().getSimpleName() + " " + failure.status() + " " + failure.code() + ": " + failure.getMessage();
    }

    String code() {
      return failure == null ? null : failure.split(" ")[2].replace(":", "");
    }

    String statusAndCode() {
      return failure == null ? "ok " + result : failure.split(" ")[1] + " " + code();
    }

    String kindStatusAndCode() {
      return failure == null ? "ok " + result : failure.split(" ")[0] + " " + statusAndCode();
    }

    /**
     * The outcome less what two writes in two namespaces never share: times (a record keeps how
     * long it lives), change cursors, and the namespace's name.
     */
    Outcome comparable(String ns) {
      return new Outcome(timeless(result), failure == null ? null : failure.replace(ns, "<ns>"), timeless(current));
    }

    private static Object timeless(Object value) {
      return switch (value) {
        case null -> null;
        case KvsRecord r -> new KvsRecord(r.key(), r.value(), r.metadata(), Instant.EPOCH,
            Instant.EPOCH.plus(Duration.between(r.createdAt(), r.expiredAt())));
        case KvsPage p -> new KvsPage(p.keys().stream().map(k -> new KvsListedKey(k.name(), null, k.metadata())).toList(),
            p.listComplete(), p.cursor());
        case KvsChangePage p -> new KvsChangePage(p.changes().stream()
            .map(c -> new KvsChange(c.op(), c.key(), null, null, null)).toList(), p.listComplete(), "<cursor>");
        // As a list: a bulk get's map keeps the order asked, which map equality would not compare.
        case Map<?, ?> m -> m.entrySet().stream().map(e -> Map.entry(e.getKey(), timeless(e.getValue()))).toList();
        default -> value;
      };
    }
  }
}
