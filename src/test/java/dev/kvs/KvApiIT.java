package dev.kvs;

import static dev.kvs.support.Records.createdAtMs;
import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.json.IsoTime;
import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Get, write and delete over real HTTP against a real PostgreSQL, as API.md specifies them. */
class KvApiIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("api", Map.of("KVS_TTL_MAX_MINUTES", "44640"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void writeThenGetReturnsTheCraftShapeWithDatabaseTimes() throws Exception {
    JsonObject value = new JsonObject().put("name", "ada").put("tags", new JsonArray().add(1).add(2));
    HttpResponse<Buffer> put = kvs.put("user:1", write(value).put("minutesToExpire", 60));
    assertEquals(200, put.statusCode());
    assertEquals("application/json; charset=utf-8", put.getHeader("content-type"));
    JsonObject stored = record(put, "user:1");
    assertEquals(value, stored.getJsonObject("value"));
    assertFalse(stored.containsKey("metadata"));

    HttpResponse<Buffer> got = kvs.get("user:1");
    assertEquals(200, got.statusCode());
    assertEquals(put.bodyAsJsonObject(), got.bodyAsJsonObject());
    assertEquals(1, got.bodyAsJsonObject().size());

    String createdAt = stored.getString("created_at");
    assertTrue(createdAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), createdAt);
    long created = IsoTime.parse(createdAt);
    long expired = IsoTime.parse(stored.getString("expired_at"));
    assertEquals(60 * 60_000L, expired - created);
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (extract(epoch FROM created_at) * 1000)::int8, now() FROM kv WHERE key = 'user:1'")) {
      assertTrue(rs.next());
      assertEquals(created, rs.getLong(1), "created_at is the database's, to the millisecond");
    }
  }

  @Test
  void defaultTtlIsOneDay() {
    JsonObject stored = record(kvs.put("ttl-default", write(1)), "ttl-default");
    long ttl = IsoTime.parse(stored.getString("expired_at")) - IsoTime.parse(stored.getString("created_at"));
    assertEquals(1_440 * 60_000L, ttl);
  }

  @Test
  void expiresAtSetsAnAbsoluteExpiry() {
    long at = System.currentTimeMillis() + 3_600_000L;
    JsonObject stored = record(kvs.put("ttl-abs", write("x").put("expiresAt", at)), "ttl-abs");
    assertEquals(at, IsoTime.parse(stored.getString("expired_at")));
  }

  @Test
  void valuesRoundTripByteForByteInCompactForm() {
    String body = "{ \"value\" : { \"n\" : 1.10 , \"big\" : 12345678901234567890123 , \"s\" : \"a \\\" b\\\\ \\u00e9 é\" ,"
        + " \"e\" : [ ] , \"exp\" : 1E+2 } }";
    assertEquals(200, kvs.putRaw("raw", body).statusCode());
    String got = kvs.get("raw").bodyAsString();
    assertTrue(got.startsWith("{\"raw\":{\"value\":{\"n\":1.10,\"big\":12345678901234567890123,"
        + "\"s\":\"a \\\" b\\\\ \\u00e9 é\",\"e\":[],\"exp\":1E+2},\"created_at\":"), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"text\"", "42", "-0.5", "true", "false", "[1,\"two\",null]", "{}", "\"\""})
  void anyJsonValueButNullIsStored(String json) {
    assertEquals(200, kvs.putRaw("any", "{\"value\":" + json + "}").statusCode());
    assertEquals("{\"any\":{\"value\":" + json + ",", kvs.get("any").bodyAsString().substring(0, 17 + json.length()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "a:b", "100%", "what?", "#hash", ".", "..", "../..", "a.b", "/leading", "x//y", "~!$&'()*+,;=@[]{}|^`\"\\<>"})
  void keysWithReservedCharactersRoundTripThroughEveryEndpoint(String key) {
    HttpResponse<Buffer> put = kvs.put(key, write(key));
    assertEquals(200, put.statusCode(), put.bodyAsString());
    assertEquals(key, record(put, key).getString("value"));
    HttpResponse<Buffer> got = kvs.get(key);
    assertEquals(200, got.statusCode());
    assertEquals(key, record(got, key).getString("value"));
    assertEquals(200, kvs.delete(key).statusCode());
    assertEquals(404, kvs.get(key).statusCode());
  }

  @Test
  void keyAtThe512ByteLimitIsAcceptedAndOneMoreIsNot() {
    String longest = "k".repeat(512);
    assertEquals(200, kvs.put(longest, write(1)).statusCode());
    assertEquals(200, kvs.get(longest).statusCode());
    HttpResponse<Buffer> tooLong = kvs.put("k".repeat(513), write(1));
    assertEquals(400, tooLong.statusCode());
    assertEquals("invalid_key", errorCode(tooLong));
  }

  @Test
  void overwriteReplacesValueAndMovesCreatedAtForward() {
    HttpResponse<Buffer> first = kvs.put("over", write("v1"));
    long previous = createdAtMs(first, "over");
    for (int i = 2; i <= 20; i++) {
      HttpResponse<Buffer> next = kvs.put("over", write("v" + i));
      long created = createdAtMs(next, "over");
      assertTrue(created > previous, "created_at must strictly increase: " + previous + " then " + created);
      previous = created;
    }
    assertEquals("v20", record(kvs.get("over"), "over").getString("value"));
  }

  @Test
  void getOfAnAbsentKeyIs404NotFound() {
    HttpResponse<Buffer> got = kvs.get("never-written");
    assertEquals(404, got.statusCode());
    assertEquals("not_found", errorCode(got));
    assertEquals(404, got.bodyAsJsonObject().getJsonObject("error").getInteger("status"));
  }

  @Test
  void expiredRecordsAreInvisibleBeforeThePurge() throws Exception {
    assertEquals(200, kvs.put("old", write("stale")).statusCode());
    expireInDatabase("old");
    assertEquals(404, kvs.get("old").statusCode());
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM kv WHERE key = 'old'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the row is still there: only the purge deletes it");
    }
    HttpResponse<Buffer> rewritten = kvs.put("old", write("fresh"));
    assertEquals(200, rewritten.statusCode());
    assertEquals("fresh", record(kvs.get("old"), "old").getString("value"));
  }

  @Test
  void deleteIsIdempotent() {
    kvs.put("gone", write(1));
    HttpResponse<Buffer> deleted = kvs.delete("gone");
    assertEquals(200, deleted.statusCode());
    assertEquals(new JsonObject(), deleted.bodyAsJsonObject());
    assertEquals(404, kvs.get("gone").statusCode());
    assertEquals(200, kvs.delete("gone").statusCode());
  }

  @Test
  void namespacesAreIsolated() {
    kvs.http.put(TestService.path("ns-a", "shared")).sendJsonObject(write("a")).await();
    kvs.http.put(TestService.path("ns-b", "shared")).sendJsonObject(write("b")).await();
    assertEquals("a", record(kvs.http.get(TestService.path("ns-a", "shared")).send().await(), "shared").getString("value"));
    kvs.http.delete(TestService.path("ns-a", "shared")).send().await();
    assertEquals(404, kvs.http.get(TestService.path("ns-a", "shared")).send().await().statusCode());
    assertEquals("b", record(kvs.http.get(TestService.path("ns-b", "shared")).send().await(), "shared").getString("value"));
  }

  @Test
  void unknownPathsAnswerWithTheErrorShape() {
    HttpResponse<Buffer> response = kvs.http.get("/v2/nothing").send().await();
    assertEquals(404, response.statusCode());
    assertEquals("not_found", errorCode(response));
    HttpResponse<Buffer> post = kvs.http.post(TestService.path(TestService.NS, "k")).sendJsonObject(write(1)).await();
    assertEquals(405, post.statusCode());
    assertEquals("method_not_allowed", errorCode(post));
    assertEquals("GET, PUT, DELETE", post.getHeader("Allow"), "a 405 says which methods the resource takes");
    HttpResponse<Buffer> putOnList = kvs.http.put("/v1/ns/test/kv").sendJsonObject(write(1)).await();
    assertEquals(405, putOnList.statusCode());
    assertEquals("GET", putOnList.getHeader("Allow"));
  }

  @Test
  void metadataIsStoredAndReturned() {
    JsonObject metadata = new JsonObject().put("version", 3);
    HttpResponse<Buffer> put = kvs.put("meta", write("v").put("metadata", metadata));
    assertEquals(metadata, record(put, "meta").getJsonObject("metadata"));
    assertEquals(metadata, record(kvs.get("meta"), "meta").getJsonObject("metadata"));
    assertNull(record(kvs.put("meta", write("v2")), "meta").getJsonObject("metadata"), "an overwrite without metadata clears it");
  }

  static void expireInDatabase(String key) throws Exception {
    try (Connection c = kvs.sql(); Statement s = c.createStatement()) {
      int rows = s.executeUpdate("UPDATE kv SET expired_at = now() - interval '1 second' WHERE ns = 'test' AND key = '" + key + "'");
      assertEquals(1, rows);
    }
  }

  @Test
  void rowsHoldWhatTheResponsesSay() throws Exception {
    HttpResponse<Buffer> put = kvs.put("row", write(List.of(1, 2)));
    try (Connection c = kvs.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT value, metadata FROM kv WHERE ns = 'test' AND key = 'row'")) {
      assertTrue(rs.next());
      assertEquals("[1,2]", rs.getString(1));
      assertNull(rs.getString(2));
    }
    assertNotNull(put);
  }
}
