package dev.kvs.client;

import static dev.kvs.client.FakeKvs.await;
import static dev.kvs.client.FakeKvs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each call sends over HTTP and how it reads the answer, against a fake KVS. */
class KvsHttpClientTest {
  private static final String CREATED = "2022-12-28T02:50:57.167Z";
  private static final String EXPIRES = "2022-12-29T02:50:57.167Z";

  private Vertx vertx;
  private FakeHttpKvs kvs;
  private KvsHttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    kvs = new FakeHttpKvs(vertx);
    client = KvsHttpClient.create(vertx, options());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private KvsHttpClientOptions options() {
    return new KvsHttpClientOptions(kvs.baseUrl(), "demo").setToken("kvs_secret");
  }

  private static JsonObject record(Object value) {
    return new JsonObject().put("value", value).put("created_at", CREATED).put("expired_at", EXPIRES);
  }

  private static KvsRecord typed(String key, Object value) {
    return new KvsRecord(key, value, null, Instant.parse(CREATED), Instant.parse(EXPIRES));
  }

  @Test
  void getSendsTheTokenAndReadsTheWrappedRecord() throws Exception {
    kvs.answers(200, new JsonObject().put("a/b", record(new JsonObject().put("n", 1)).put("metadata", new JsonObject().put("v", 1))));

    KvsRecord got = await(client.get("a/b"));

    FakeHttpKvs.Request request = kvs.request();
    assertEquals(HttpMethod.GET, request.method());
    assertEquals("/v1/ns/demo/kv/a%2Fb", request.uri());
    assertEquals("Bearer kvs_secret", request.headers().get("Authorization"));
    assertEquals("", request.body());
    assertEquals(new KvsRecord("a/b", new JsonObject().put("n", 1), new JsonObject().put("v", 1),
        Instant.parse(CREATED), Instant.parse(EXPIRES)), got);
  }

  @Test
  void writesPutTheBodyTheEventBusSendsLessNamespaceAndKey() throws Exception {
    kvs.answers(200, new JsonObject().put("k", record(1)));

    await(client.write("k", 1, new WriteOptions().setMinutesToExpire(5).setMetadata(new JsonObject().put("m", true))));
    FakeHttpKvs.Request write = kvs.request();
    assertEquals(HttpMethod.PUT, write.method());
    assertEquals("application/json", write.headers().get("Content-Type"));
    assertEquals(new JsonObject().put("value", 1).put("minutesToExpire", 5).put("metadata", new JsonObject().put("m", true)),
        write.json());

    assertEquals(typed("k", 1), await(client.checkAndWrite("k", 1, Operator.LE, 42L)));
    assertEquals(new JsonObject().put("value", 1).put("operator", "<=").put("unixtimeMs", 42L), kvs.request().json());
  }

  @Test
  void deleteListBulkAndChangesUseTheirEndpoints() throws Exception {
    kvs.answers(200, new JsonObject());
    await(client.delete("k"));
    assertEquals("DELETE /v1/ns/demo/kv/k", line(kvs.request()));

    kvs.answers(200, new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("name", "p1").put("expired_at", EXPIRES)))
        .put("list_complete", false).put("cursor", "c1"));
    KvsPage page = await(client.list(new ListOptions().setPrefix("p").setLimit(1)));
    assertEquals("GET /v1/ns/demo/kv?prefix=p&limit=1", line(kvs.request()));
    assertEquals(new KvsPage(List.of(new KvsListedKey("p1", Instant.parse(EXPIRES), null)), false, "c1"), page);

    kvs.answers(200, new JsonObject().put("a", record("x")).putNull("b"));
    Map<String, KvsRecord> many = await(client.bulkGet(List.of("a", "b")));
    FakeHttpKvs.Request bulkGet = kvs.request();
    assertEquals("POST /v1/ns/demo/bulk/get", line(bulkGet));
    assertEquals(new JsonObject().put("keys", new JsonArray().add("a").add("b")), bulkGet.json());
    assertEquals(Map.of("a", typed("a", "x")), many);

    kvs.answers(200, new JsonObject().put("written", 2));
    assertEquals(2, await(client.bulkWrite(List.of(KvsWrite.of("a", 1), KvsWrite.of("b", 2, new WriteOptions().setMinutesToExpire(3))))));
    FakeHttpKvs.Request bulkWrite = kvs.request();
    assertEquals("POST /v1/ns/demo/bulk/write", line(bulkWrite));
    assertEquals(new JsonObject().put("items", new JsonArray().add(new JsonObject().put("key", "a").put("value", 1))
        .add(new JsonObject().put("key", "b").put("value", 2).put("minutesToExpire", 3))), bulkWrite.json());

    kvs.answers(200, new JsonObject().put("deleted", 1));
    assertEquals(1, await(client.bulkDelete(List.of("a"))));
    assertEquals("POST /v1/ns/demo/bulk/delete", line(kvs.request()));

    kvs.answers(200, new JsonObject().put("changes", new JsonArray().add(new JsonObject().put("op", "write").put("key", "a")
        .put("created_at", CREATED).put("expired_at", EXPIRES).put("cursor", "9-1"))).put("list_complete", true).put("cursor", "9-1"));
    KvsChangePage changes = await(client.changesSince("8-0", 10));
    assertEquals("GET /v1/ns/demo/changes?cursor=8-0&limit=10", line(kvs.request()));
    assertEquals(new KvsChangePage(List.of(new KvsChange(KvsChange.Op.WRITE, "a", Instant.parse(CREATED),
        Instant.parse(EXPIRES), "9-1")), true, "9-1"), changes);
    await(client.changesSince(null));
    assertEquals("GET /v1/ns/demo/changes", line(kvs.request()));
  }

  @Test
  void withoutATokenNoAuthorizationHeaderIsSent() throws Exception {
    KvsHttpClient anonymous = KvsHttpClient.create(vertx, new KvsHttpClientOptions(kvs.baseUrl(), "demo"));
    kvs.answers(200, new JsonObject());
    await(anonymous.delete("k"));
    assertNull(kvs.request().headers().get("Authorization"));
  }

  @Test
  void theApisErrorsAreTheEventBusClientsFailures() {
    kvs.fails(404, "not_found", "no live record for this key");
    KvsFailure absent = assertInstanceOf(KvsFailure.class, failure(client.get("k")));
    assertEquals("dev.kvs.client.KvsFailure: 404 not_found: no live record for this key", absent.toString());

    kvs.fails(409, "conflict", "other writers held the record");
    assertEquals("409 conflict", statusAndCode(failure(client.write("k", 1))));
    kvs.fails(410, "cursor_expired", "too old");
    assertEquals("410 cursor_expired", statusAndCode(failure(client.changesSince("old"))));
  }

  @Test
  void aRefusedConditionalWriteCarriesTheLiveRecord() {
    kvs.answers(404, FakeHttpKvs.error(404, "condition_failed", "the condition is false")
        .put("current", new JsonObject().put("k", record("live"))));

    ConditionFailed refused = assertInstanceOf(ConditionFailed.class, failure(client.checkAndWrite("k", 1, Operator.EQ, 1)));

    assertEquals(404, refused.status());
    assertEquals(KvsFailure.CONDITION_FAILED, refused.code());
    assertEquals(typed("k", "live"), refused.current());
  }

  @Test
  void anErrorThatIsNotTheApisKeepsItsStatusWithCodeUnknown() {
    kvs.answers(502, "<html>bad gateway</html>", null);
    assertEquals("502 unknown", statusAndCode(failure(client.get("k"))));
    kvs.answers(501, null);
    KvsFailure bare = assertInstanceOf(KvsFailure.class, failure(client.get("k")));
    assertEquals("501 unknown", statusAndCode(bare));
  }

  @Test
  void aSuccessThisClientCannotReadIsInvalidReply() {
    kvs.answers(200, "not json", null);
    assertEquals("502 invalid_reply", statusAndCode(failure(client.get("k"))));
    kvs.answers(200, new JsonObject().put("unexpected", 1));
    assertEquals("502 invalid_reply", statusAndCode(failure(client.get("k"))));
    kvs.answers(200, new JsonObject());
    assertEquals("502 invalid_reply", statusAndCode(failure(client.bulkWrite(List.of(KvsWrite.of("a", 1))))));
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIsTimeoutAndNotRetried() throws Exception {
    kvs.ignores().answers(200, new JsonObject().put("k", record(1)));
    KvsHttpClient impatient = KvsHttpClient.create(vertx, options().setRequestTimeout(Duration.ofMillis(200)));

    KvsFailure timedOut = assertInstanceOf(KvsFailure.class, failure(impatient.write("k", 1)));

    // The fake answers every request after the first: a retry would have turned the call into a success.
    assertEquals("504 timeout", statusAndCode(timedOut));
    assertTrue(timedOut.getMessage().contains("within the request timeout (200 ms)"), timedOut.getMessage());
    assertEquals("PUT /v1/ns/demo/kv/k", line(kvs.request()), "the one try reached KVS");
    assertEquals(0, kvs.pending(), "and no other");
  }

  @Test
  void nothingListeningIsUnavailableAndRetried() {
    int closed = kvs.port();
    await(vertx.close());
    vertx = Vertx.vertx();
    KvsHttpClient nowhere = KvsHttpClient.create(vertx, new KvsHttpClientOptions("http://127.0.0.1:" + closed, "demo")
        .setRetryBackoff(Duration.ofMillis(50)));
    long started = System.nanoTime();
    KvsFailure failure = assertInstanceOf(KvsFailure.class, failure(nowhere.get("k")));
    assertEquals("503 unavailable", statusAndCode(failure));
    assertTrue(failure.getMessage().startsWith("cannot connect to KVS at http://127.0.0.1:" + closed), failure.getMessage());
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(25 + 50).toNanos(), "two retries with backoff");
  }

  @Test
  void rateLimitedIsRetriedAfterRetryAfter() throws Exception {
    kvs.fails(429, "rate_limited", "over the rate");
    kvs.answersWith(request -> request.response().setStatusCode(429).putHeader("Retry-After", "1")
        .end(FakeHttpKvs.error(429, "rate_limited", "over the rate").encode()));
    kvs.answers(200, new JsonObject().put("k", record(1)));
    KvsHttpClient patient = KvsHttpClient.create(vertx, options().setRetryBackoff(Duration.ofMillis(10)));

    long started = System.nanoTime();
    assertEquals(typed("k", 1), await(patient.checkAndWrite("k", 1, Operator.EQ, 1)));

    assertTrue(System.nanoTime() - started >= Duration.ofMillis(1_000).toNanos(), "waited for Retry-After");
    for (int i = 0; i < 3; i++) {
      assertEquals("PUT /v1/ns/demo/kv/k", line(kvs.request()));
    }
  }

  @Test
  void aRetryAfterBeyondTheMaximumDelayFailsAtOnce() throws Exception {
    kvs.answers(429, FakeHttpKvs.error(429, "rate_limited", "over the rate").encode(), "1");
    kvs.answers(200, new JsonObject().put("k", record(1)));
    KvsHttpClient hasty = KvsHttpClient.create(vertx, options().setMaxRetryDelay(Duration.ofMillis(500)));

    // A retry after the backoff (100 ms) would have succeeded: the client read Retry-After and gave up.
    assertEquals("429 rate_limited", statusAndCode(failure(hasty.get("k"))));
    kvs.request();
    assertEquals(0, kvs.pending(), "tried once");
  }

  @Test
  void unavailableIsRetriedButAConditionalWriteIsNot() throws Exception {
    kvs.answers(503, FakeHttpKvs.error(503, "unavailable", "database unreachable").encode(), "0");
    KvsFailure conditional = assertInstanceOf(KvsFailure.class, failure(client.checkAndWrite("k", 1, Operator.EQ, 1)));
    assertEquals("503 unavailable", statusAndCode(conditional));
    kvs.request();
    assertEquals(0, kvs.pending(), "tried once");

    assertEquals("503 unavailable", statusAndCode(failure(client.write("k", 1))));
    for (int i = 0; i < 3; i++) {
      kvs.request();
    }
    assertEquals(0, kvs.pending(), "tried three times");

    KvsHttpClient never = KvsHttpClient.create(vertx, options().setMaxRetries(0));
    assertEquals("503 unavailable", statusAndCode(failure(never.get("k"))));
    kvs.request();
    assertEquals(0, kvs.pending(), "maxRetries 0: once, as the event bus client");
  }

  @Test
  void followPollsTheChangeLogFromItsCursor() throws Exception {
    JsonObject first = new JsonObject().put("op", "write").put("key", "a").put("cursor", "1");
    JsonObject second = new JsonObject().put("op", "delete").put("key", "a").put("cursor", "2");
    kvs.answers(200, new JsonObject().put("changes", new JsonArray().add(first)).put("list_complete", false).put("cursor", "1"));
    kvs.answers(200, new JsonObject().put("changes", new JsonArray().add(second)).put("list_complete", true).put("cursor", "2"));
    kvs.answers(200, new JsonObject().put("changes", new JsonArray()).put("list_complete", true).put("cursor", "2"));
    List<KvsChange> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    KvsHttpClient polling = KvsHttpClient.create(vertx, options().setFollowPollInterval(Duration.ofMillis(50)));

    KvsFollower follower = polling.follow("0", received::add);

    assertEquals("GET /v1/ns/demo/changes?cursor=0", line(kvs.request()));
    assertEquals("GET /v1/ns/demo/changes?cursor=1", line(kvs.request()), "an incomplete page is read on at once");
    assertEquals("GET /v1/ns/demo/changes?cursor=2", line(kvs.request()), "then the poll asks again");
    await(follower.unregister());
    assertEquals(List.of("a", "a"), received.stream().map(KvsChange::key).toList());
    assertEquals("2", follower.cursor());
  }

  @Test
  void optionsAreCheckedWhenTheClientIsCreated() {
    assertThrows(NullPointerException.class, () -> KvsHttpClient.create(vertx, new KvsHttpClientOptions(null, "demo")));
    assertThrows(NullPointerException.class, () -> KvsHttpClient.create(vertx, new KvsHttpClientOptions(kvs.baseUrl(), null)));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, new KvsHttpClientOptions("ftp://h", "demo")));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, new KvsHttpClientOptions("localhost:8080", "demo")));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, new KvsHttpClientOptions("http://h/?x=1", "demo")));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, options().setRequestTimeout(Duration.ZERO)));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, options().setFollowPollInterval(Duration.ofSeconds(-1))));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, options().setMaxConnections(0)));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, options().setMaxRetries(-1)));
    assertThrows(IllegalArgumentException.class, () -> KvsHttpClient.create(vertx, options().setRetryBackoff(Duration.ZERO)));
    assertThrows(NullPointerException.class, () -> options().setRequestTimeout(null));
  }

  @Test
  void theBaseUrlGivesSchemeHostPortAndPrefix() {
    assertEquals(new BaseUrl(false, "kvs", 80, ""), BaseUrl.parse("http://kvs"));
    assertEquals(new BaseUrl(true, "kvs", 443, "/gw/kvs"), BaseUrl.parse("HTTPS://kvs/gw/kvs/"));
    assertEquals(new BaseUrl(false, "::1", 8080, ""), BaseUrl.parse("http://[::1]:8080/"));
  }

  @Test
  void nullArgumentsThrowAtTheCallAsOnTheEventBus() {
    assertThrows(NullPointerException.class, () -> client.get(null));
    assertThrows(NullPointerException.class, () -> client.write("k", null));
    assertThrows(NullPointerException.class, () -> client.checkAndWrite("k", 1, null, 1));
    assertThrows(NullPointerException.class, () -> client.bulkGet(null));
    assertThrows(NullPointerException.class, () -> client.follow(null, null));
    assertEquals(0, kvs.pending());
    assertFalse(client.namespace().isEmpty());
  }

  private static String line(FakeHttpKvs.Request request) {
    return request.method() + " " + request.uri();
  }

  private static String statusAndCode(Throwable failure) {
    KvsFailure typed = assertInstanceOf(KvsFailure.class, failure);
    return typed.status() + " " + typed.code();
  }
}
