package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Listing by prefix: keyset pagination in byte order, literal prefixes, nothing expired. */
class ListIT {
  private static TestService kvs;

  @BeforeAll
  static void start() throws Exception {
    kvs = TestService.start("list", Map.of());
    kvs.execute("INSERT INTO kv SELECT 'big', 'k' || lpad(i::text, 5, '0'), '1', NULL, now(), now() + interval '1 day'"
        + " FROM generate_series(1, 10000) i");
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 1000})
  void pagingReturnsEveryKeyExactlyOnceInOrder(int pageSize) {
    List<String> names = listAll("big", "", pageSize, null);
    assertEquals(10_000, names.size());
    for (int i = 0; i < names.size(); i++) {
      assertEquals(String.format("k%05d", i + 1), names.get(i));
    }
  }

  @Test
  void defaultLimitIs1000AndTheLastPageIsComplete() {
    JsonObject first = page("big", "", null, null);
    assertEquals(1000, first.getJsonArray("keys").size());
    assertFalse(first.getBoolean("list_complete"));
    JsonObject tail = page("big", "k099", null, null);
    assertEquals(100, tail.getJsonArray("keys").size());
    assertTrue(tail.getBoolean("list_complete"));
    assertNull(tail.getString("cursor"), "no cursor once complete");
  }

  @Test
  void keysLivingThroughAListingAreSeenOnceWhileOthersComeAndGo() throws Exception {
    kvs.execute("INSERT INTO kv SELECT 'churn', 's' || lpad(i::text, 4, '0'), '1', NULL, now(), now() + interval '1 day'"
        + " FROM generate_series(1, 2000) i");
    AtomicBoolean listing = new AtomicBoolean(true);
    // Writers insert and delete keys between and around the stable ones the whole time.
    Future<Void> churn = churnLoop(listing, 0);
    List<String> seen;
    try {
      seen = listAll("churn", "s", 7, null);
    } finally {
      listing.set(false);
    }
    churn.await();
    List<String> stable = seen.stream().filter(k -> k.matches("s\\d{4}")).toList();
    assertEquals(2000, stable.size(), "every stable key, once");
    assertEquals(new ArrayList<>(new TreeSet<>(seen)), seen, "strictly increasing: nothing repeated, nothing out of order");
  }

  private static Future<Void> churnLoop(AtomicBoolean listing, int i) {
    if (!listing.get()) {
      return Future.succeededFuture();
    }
    String key = String.format("s%04d-x%d", (i * 37) % 2000, i);
    return kvs.http.put(TestService.path("churn", key)).sendJsonObject(write(i))
        .compose(r -> kvs.http.delete(TestService.path("churn", String.format("s%04d-x%d", (i * 37) % 2000, i - 1))).send())
        .compose(r -> churnLoop(listing, i + 1));
  }

  @Test
  void prefixesAreLiteralNotPatterns() {
    for (String key : List.of("a%b", "a%bb", "a_b", "a\\b", "axb", "a%", "b")) {
      kvs.http.put(TestService.path("lit", key)).sendJsonObject(write(1)).await();
    }
    assertEquals(List.of("a%", "a%b", "a%bb"), listAll("lit", "a%", 1000, null));
    assertEquals(List.of("a_b"), listAll("lit", "a_", 1000, null));
    assertEquals(List.of("a\\b"), listAll("lit", "a\\", 1000, null));
    assertEquals(List.of("a%b", "a%bb"), listAll("lit", "a%b", 1000, null), "a prefix equal to a key includes it");
    assertEquals(List.of("a%", "a%b", "a%bb", "a\\b", "a_b", "axb", "b"), listAll("lit", "", 1000, null), "byte order");
    assertEquals(List.of(), listAll("lit", "zz", 1000, null));
  }

  @Test
  void keysAtThe512ByteLimitAndTheHighestCharacter() {
    String longest = "p".repeat(511) + "~";
    kvs.http.put(TestService.path("edge", longest)).sendJsonObject(write(1)).await();
    kvs.http.put(TestService.path("edge", "p~")).sendJsonObject(write(1)).await();
    kvs.http.put(TestService.path("edge", "q")).sendJsonObject(write(1)).await();
    assertEquals(List.of(longest), listAll("edge", longest, 1000, null));
    assertEquals(List.of(longest, "p~"), listAll("edge", "p", 1000, null));
    assertEquals(List.of("p~"), listAll("edge", "p~", 1000, null));
  }

  @Test
  void expiredRecordsAreNeverListedAndMetadataIs() throws Exception {
    kvs.http.put(TestService.path("exp", "live")).sendJsonObject(write(1).put("metadata", new JsonObject().put("v", 2))).await();
    kvs.http.put(TestService.path("exp", "lapsed")).sendJsonObject(write(1)).await();
    kvs.execute("UPDATE kv SET expired_at = now() - interval '1 ms' WHERE ns = 'exp' AND key = 'lapsed'");
    JsonArray keys = page("exp", "", null, null).getJsonArray("keys");
    assertEquals(1, keys.size());
    JsonObject entry = keys.getJsonObject(0);
    assertEquals("live", entry.getString("name"));
    assertEquals(new JsonObject().put("v", 2), entry.getJsonObject("metadata"));
    assertTrue(entry.getString("expired_at").endsWith("Z"));
  }

  @Test
  void badParametersAre400WithTheirCode() {
    assertEquals("invalid_limit", errorCode(get("/v1/ns/big/kv?limit=0")));
    assertEquals("invalid_limit", errorCode(get("/v1/ns/big/kv?limit=1001")));
    assertEquals("invalid_limit", errorCode(get("/v1/ns/big/kv?limit=ten")));
    assertEquals("invalid_cursor", errorCode(get("/v1/ns/big/kv?cursor=%25%25%25")));
    assertEquals("invalid_cursor", errorCode(get("/v1/ns/big/kv?cursor=" + java.util.Base64.getUrlEncoder().encodeToString("a b".getBytes()))));
    assertEquals("invalid_prefix", errorCode(get("/v1/ns/big/kv?prefix=a%20b")));
    assertEquals("invalid_namespace", errorCode(get("/v1/ns/BIG/kv")));
    assertEquals(405, kvs.http.put("/v1/ns/big/kv").sendJsonObject(write(1)).await().statusCode());
  }

  private static HttpResponse<Buffer> get(String uri) {
    return kvs.http.get(uri).send().await();
  }

  private static JsonObject page(String ns, String prefix, Integer limit, String cursor) {
    var request = kvs.http.get("/v1/ns/" + ns + "/kv").addQueryParam("prefix", prefix);
    if (limit != null) {
      request.addQueryParam("limit", limit.toString());
    }
    if (cursor != null) {
      request.addQueryParam("cursor", cursor);
    }
    HttpResponse<Buffer> response = request.send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> listAll(String ns, String prefix, int limit, String startCursor) {
    List<String> names = new ArrayList<>();
    String cursor = startCursor;
    while (true) {
      JsonObject page = page(ns, prefix, limit, cursor);
      JsonArray keys = page.getJsonArray("keys");
      assertTrue(keys.size() <= limit);
      keys.forEach(k -> names.add(((JsonObject) k).getString("name")));
      if (page.getBoolean("list_complete")) {
        return names;
      }
      cursor = page.getString("cursor");
    }
  }

}
