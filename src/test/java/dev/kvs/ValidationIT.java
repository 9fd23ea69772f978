package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kvs.config.ApiLimits;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation rule of API.md answers its precise 400 (or 413) and changes nothing. */
class ValidationIT {
  private static final String KEY = "guarded";
  private static TestService kvs;
  private static String before;

  @BeforeAll
  static void start() {
    kvs = TestService.start("validation", Map.of("KVS_MAX_BODY_BYTES", "16384"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @BeforeEach
  void seed() {
    before = kvs.put(KEY, write("original").put("metadata", new JsonObject().put("v", 1))).bodyAsString();
  }

  static Stream<Arguments> badBodies() {
    long now = System.currentTimeMillis();
    return Stream.of(
        Arguments.of("not json", "invalid_json"),
        Arguments.of("{\"value\": 1", "invalid_json"),
        Arguments.of("[1, 2]", "invalid_json"),
        Arguments.of("", "invalid_json"),
        Arguments.of("{\"value\": 1} trailing", "invalid_json"),
        Arguments.of("{\"value\": 1, \"value\": 2}", "invalid_json"),
        Arguments.of("{\"valeu\": 1}", "unknown_field"),
        Arguments.of("{\"value\": 1, \"minutesToExpir\": 5}", "unknown_field"),
        Arguments.of("{}", "invalid_value"),
        Arguments.of("{\"value\": null}", "invalid_value"),
        Arguments.of("{\"value\": \"" + "x".repeat(1023) + "\"}", "invalid_value"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": 0}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": -5}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": 1.5}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": \"60\"}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": 44641}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"minutesToExpire\": 99999999999999999999999}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"expiresAt\": " + (now - 1_000) + "}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"expiresAt\": " + (now + 44_641L * 60_000) + "}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"expiresAt\": " + (now + 60_000) + ", \"minutesToExpire\": 5}", "invalid_ttl"),
        Arguments.of("{\"value\": 1, \"operator\": \"==\", \"unixtimeMs\": 1}", "invalid_operator"),
        Arguments.of("{\"value\": 1, \"operator\": 1, \"unixtimeMs\": 1}", "invalid_operator"),
        Arguments.of("{\"value\": 1, \"operator\": \"<\"}", "invalid_operator"),
        Arguments.of("{\"value\": 1, \"unixtimeMs\": 1}", "invalid_operator"),
        Arguments.of("{\"value\": 1, \"operator\": \"<\", \"unixtimeMs\": \"1\"}", "invalid_operator"),
        Arguments.of("{\"value\": 1, \"metadata\": [1]}", "invalid_metadata"),
        Arguments.of("{\"value\": 1, \"metadata\": {\"m\": \"" + "x".repeat(1020) + "\"}}", "invalid_metadata"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void badBodiesAre400WithTheirCodeAndChangeNothing(String body, String code) {
    HttpResponse<Buffer> response = kvs.putRaw(KEY, body);
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals(code, errorCode(response));
    assertUnchanged();
  }

  @Test
  void conditionalWriteWithBadBodyChangesNothingEvenWhenTheConditionWouldHold() {
    HttpResponse<Buffer> response = kvs.putRaw(KEY, "{\"value\": null, \"operator\": \">\", \"unixtimeMs\": 0}");
    assertEquals(400, response.statusCode());
    assertUnchanged();
  }

  /**
   * Times a long holds but no record can: PUT /v1/ns/a/kv/x with each is 400 with its documented
   * code (API.md: {@code unixtimeMs} within the years 0001-9999, {@code expiresAt} in the future
   * and within the namespace's maximum TTL), and nothing is written, in a bulk write neither.
   */
  @ParameterizedTest
  @MethodSource("outOfRangeTimes")
  void outOfRangeTimesAre400AndWriteNothing(String body, String code) {
    HttpResponse<Buffer> response = kvs.http.put("/v1/ns/a/kv/x").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).await();
    assertEquals(400, response.statusCode(), body + ": " + response.bodyAsString());
    assertEquals(code, errorCode(response), body);
    String item = body.replaceFirst("\\{", "{\"key\": \"x\", ");
    if (!item.contains("unixtimeMs")) { // bulk items take no condition
      HttpResponse<Buffer> bulk = kvs.http.post("/v1/ns/a/bulk/write").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"items\": [{\"key\": \"ok\", \"value\": 1}, " + item + "]}")).await();
      assertEquals(400, bulk.statusCode(), item + ": " + bulk.bodyAsString());
      assertEquals(code, errorCode(bulk), item);
    }
    assertEquals(404, kvs.http.get("/v1/ns/a/kv/x").send().await().statusCode(), "nothing written");
    assertEquals(0, kvs.count("ns = 'a'"), "no row, not even a deleted or expired one");
  }

  static Stream<Arguments> outOfRangeTimes() {
    return Stream.of(
        Arguments.of("{\"value\":1,\"operator\":\"<\",\"unixtimeMs\":9224318016000001}", "invalid_operator"),
        Arguments.of("{\"value\":1,\"operator\":\">=\",\"unixtimeMs\":-9224318016000001}", "invalid_operator"),
        Arguments.of("{\"value\":1,\"operator\":\"=\",\"unixtimeMs\":" + (ApiLimits.MAX_UNIX_MS + 1) + "}",
            "invalid_operator"),
        Arguments.of("{\"value\":1,\"operator\":\"<=\",\"unixtimeMs\":" + (ApiLimits.MIN_UNIX_MS - 1) + "}",
            "invalid_operator"),
        Arguments.of("{\"value\":1,\"operator\":\">\",\"unixtimeMs\":" + Long.MIN_VALUE + "}", "invalid_operator"),
        Arguments.of("{\"value\":1,\"operator\":\"<\",\"unixtimeMs\":92233720368547758070}", "invalid_operator"),
        Arguments.of("{\"value\":1,\"expiresAt\":9224318016000001}", "invalid_ttl"),
        Arguments.of("{\"value\":1,\"expiresAt\":" + Long.MAX_VALUE + "}", "invalid_ttl"),
        Arguments.of("{\"value\":1,\"expiresAt\":92233720368547758070}", "invalid_ttl"),
        Arguments.of("{\"value\":1,\"expiresAt\":-9224318016000001}", "invalid_ttl"),
        Arguments.of("{\"value\":1,\"expiresAt\":" + Long.MIN_VALUE + "}", "invalid_ttl"),
        Arguments.of("{\"value\":1,\"expiresAt\":0}", "invalid_ttl"));
  }

  @Test
  void valueAtExactlyTheLimitIsAccepted() {
    String value = "x".repeat(1022); // 1,024 bytes with its quotes
    assertEquals(200, kvs.putRaw("limit", "{\"value\": \"" + value + "\"}").statusCode());
    // The limit counts compact JSON: whitespace around the value does not count.
    assertEquals(200, kvs.putRaw("limit", "{\"value\":   [ \"" + "y".repeat(1016) + "\" , 1 ]   }").statusCode());
  }

  @ParameterizedTest
  @MethodSource("badKeys")
  void badKeysAre400InvalidKeyOnEveryMethod(String encodedKey) {
    String path = "/v1/ns/test/kv/" + encodedKey;
    for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE}) {
      HttpResponse<Buffer> response = kvs.http.request(method, path).sendJsonObject(write(1)).await();
      assertEquals(400, response.statusCode(), method + " " + path);
      assertEquals("invalid_key", errorCode(response));
    }
  }

  static Stream<String> badKeys() {
    return Stream.of("a%20b", "tab%09", "caf%C3%A9", "%7F", "", "k".repeat(513));
  }

  @ParameterizedTest
  @MethodSource("brokenEscapes")
  void brokenPercentEscapesAnywhereInTheUrlAre400InvalidRequest(String uri) {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.POST}) {
      HttpResponse<Buffer> response = kvs.http.request(method, uri).sendJsonObject(write(1)).await();
      assertEquals(400, response.statusCode(), method + " " + uri);
      assertEquals("invalid_request", errorCode(response), method + " " + uri);
    }
    assertEquals(before, kvs.get(KEY).bodyAsString(), "nothing changed");
  }

  static Stream<String> brokenEscapes() {
    return Stream.of("/v1/ns/test/kv/bad%2", "/v1/ns/test/kv/bad%zz", "/v1/ns/test/kv/%", "/v1/ns/test/kv?cursor=%%",
        "/v1/ns/test/kv?prefix=%zz", "/v1/ns/test/kv?limit=1%", "/v1/ns/te%st/kv/k", "/v1/ns/test/bulk/delete?x=%G0",
        "/health/ready?%", "/v1/%zz/a", "/nowhere%");
  }

  @ParameterizedTest
  @MethodSource("badNamespaces")
  void badNamespacesAre400InvalidNamespace(String ns) {
    HttpResponse<Buffer> response = kvs.http.put("/v1/ns/" + ns + "/kv/k").sendJsonObject(write(1)).await();
    assertEquals(400, response.statusCode(), ns);
    assertEquals("invalid_namespace", errorCode(response));
    assertEquals(400, kvs.http.get("/v1/ns/" + ns + "/kv/k").send().await().statusCode());
  }

  static Stream<String> badNamespaces() {
    return Stream.of("Upper", "_lead", "-lead", "dots.no", "x".repeat(64), "sp%20ace", "%C3%A9t%C3%A9");
  }

  @Test
  void namespaceOf63CharactersIsAccepted() {
    String ns = "n" + "-_9".repeat(20) + "zz";
    assertEquals(63, ns.length());
    HttpResponse<Buffer> response = kvs.http.put("/v1/ns/" + ns + "/kv/k").sendJsonObject(write(1)).await();
    assertEquals(200, response.statusCode());
  }

  @Test
  void bodyOverTheLimitIs413TooLargeAndChangesNothing() {
    String huge = "{\"value\": \"" + "x".repeat(20_000) + "\"}";
    HttpResponse<Buffer> response = kvs.putRaw(KEY, huge);
    assertEquals(413, response.statusCode());
    assertEquals("too_large", errorCode(response));
    assertUnchanged();
  }

  @Test
  void chunkedBodyOverTheLimitIs413TooLargeBeforeItEnds() {
    // No Content-Length: the server must count the bytes as they arrive and refuse mid-stream.
    HttpClient client = kvs.vertx.createHttpClient();
    try {
      HttpClientResponse response = client.request(new RequestOptions().setMethod(HttpMethod.PUT)
              .setHost("127.0.0.1").setPort(kvs.port).setURI(TestService.path(TestService.NS, KEY))
              .putHeader("Content-Type", "application/json"))
          .compose(request -> {
            request.setChunked(true);
            Buffer chunk = Buffer.buffer("x".repeat(8_192));
            request.write(Buffer.buffer("{\"value\": \""));
            for (int i = 0; i < 4; i++) {
              request.write(chunk);
            }
            // Never ended: a 413 can only come from counting, not from a complete body.
            return request.response();
          }).await();
      assertEquals(413, response.statusCode());
    } finally {
      client.close().await();
    }
    assertUnchanged();
  }

  @Test
  void errorBodiesNeverCarryStackTracesOrSql() {
    HttpResponse<Buffer> response = kvs.putRaw(KEY, "{\"value\": 1, \"operator\": \"<\"}");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(3, error.size(), error.encode());
    assertFalse(response.bodyAsString().contains("Exception"));
    assertFalse(response.bodyAsString().contains("INSERT"));
  }

  private static void assertUnchanged() {
    HttpResponse<Buffer> now = kvs.get(KEY);
    assertEquals(200, now.statusCode());
    assertEquals(before, now.bodyAsString());
    assertNull(record(now, KEY).getString("operator"));
  }
}
