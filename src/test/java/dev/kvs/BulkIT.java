package dev.kvs;

import static dev.kvs.support.Records.errorCode;
import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulk get, write and delete: limits, per-item validation naming the index, all-or-nothing writes. */
class BulkIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("bulk", Map.of("KVS_DB_LOCK_TIMEOUT_MS", "300"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void bulkGetAnswersPresentAbsentAndExpiredKeysInOrder() throws Exception {
    kvs.put("here", write("h").put("metadata", new JsonObject().put("m", 1)));
    kvs.put("lapsed", write("l"));
    kvs.execute("UPDATE kv SET expired_at = now() - interval '1 ms' WHERE key = 'lapsed'");
    HttpResponse<Buffer> response = post("get", new JsonObject().put("keys", new JsonArray().add("lapsed").add("here").add("never")));
    assertEquals(200, response.statusCode());
    assertEquals("{\"lapsed\":null,\"here\":{", response.bodyAsString().substring(0, 23));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(3, body.size());
    assertEquals("h", body.getJsonObject("here").getString("value"));
    assertEquals(new JsonObject().put("m", 1), body.getJsonObject("here").getJsonObject("metadata"));
    assertEquals(record(kvs.get("here"), "here"), body.getJsonObject("here"), "the same record as a single get");
    assertTrue(body.containsKey("never") && body.getValue("never") == null);
  }

  @Test
  void bulkGetTakesAtMost100Keys() {
    assertEquals(200, post("get", keys("g", 100)).statusCode());
    HttpResponse<Buffer> tooMany = post("get", keys("g", 101));
    assertEquals(400, tooMany.statusCode());
    assertEquals("too_many_keys", errorCode(tooMany));
  }

  @Test
  void bulkWriteWritesEveryItemAsASingleWriteWould() {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      items.add(new JsonObject().put("key", "bw-" + i).put("value", new JsonObject().put("i", i)).put("minutesToExpire", 5));
    }
    items.add(new JsonObject().put("key", "bw-meta").put("value", "m").put("metadata", new JsonObject().put("v", 1)));
    HttpResponse<Buffer> tooMany = post("write", new JsonObject().put("items", items));
    assertEquals(400, tooMany.statusCode());
    assertEquals("too_many_items", errorCode(tooMany));

    items.remove(0);
    HttpResponse<Buffer> response = post("write", new JsonObject().put("items", items));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject().put("written", 1000), response.bodyAsJsonObject());
    JsonObject stored = record(kvs.get("bw-999"), "bw-999");
    assertEquals(999, stored.getJsonObject("value").getInteger("i"));
    assertEquals(5 * 60_000L, dev.kvs.json.IsoTime.parse(stored.getString("expired_at")) - dev.kvs.json.IsoTime.parse(stored.getString("created_at")));
    assertEquals(new JsonObject().put("v", 1), record(kvs.get("bw-meta"), "bw-meta").getJsonObject("metadata"));
  }

  @Test
  void oneBadItemIs400NamingItsIndexAndNothingIsWritten() throws Exception {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 10; i++) {
      items.add(new JsonObject().put("key", "atomic-" + i).put("value", i));
    }
    items.getJsonObject(6).putNull("value");
    HttpResponse<Buffer> response = post("write", new JsonObject().put("items", items));
    assertEquals(400, response.statusCode());
    assertEquals("invalid_value", errorCode(response));
    assertTrue(response.bodyAsJsonObject().getJsonObject("error").getString("message").startsWith("items[6]:"));

    items.getJsonObject(6).put("value", 6).put("key", "bad key");
    HttpResponse<Buffer> badKey = post("write", new JsonObject().put("items", items));
    assertEquals("invalid_key", errorCode(badKey));
    assertTrue(badKey.bodyAsJsonObject().getJsonObject("error").getString("message").startsWith("items[6]:"));

    items.getJsonObject(6).put("key", "atomic-6").put("operator", "=");
    assertEquals("unknown_field", errorCode(post("write", new JsonObject().put("items", items))), "no conditions in bulk");
    assertEquals(0, kvs.count("key LIKE 'atomic-%'"));
  }

  @Test
  void aDatabaseFailureMidBatchWritesNothing() throws Exception {
    kvs.put("held-5", write("before"));
    JsonArray items = new JsonArray();
    for (int i = 0; i < 10; i++) {
      items.add(new JsonObject().put("key", "held-" + i).put("value", "after"));
    }
    try (Connection holder = kvs.sql()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT * FROM kv WHERE key = 'held-5' FOR UPDATE").close();
        HttpResponse<Buffer> response = post("write", new JsonObject().put("items", items));
        assertEquals(409, response.statusCode(), response.bodyAsString());
      }
      holder.rollback();
    }
    assertEquals(1, kvs.count("key LIKE 'held-%'"), "the keys before the locked one were not written either");
    assertEquals("before", record(kvs.get("held-5"), "held-5").getString("value"));
  }

  @Test
  void repeatedKeysInOneBatchKeepTheLastItem() {
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("key", "twice").put("value", 1))
        .add(new JsonObject().put("key", "twice").put("value", 2));
    assertEquals(new JsonObject().put("written", 1), post("write", new JsonObject().put("items", items)).bodyAsJsonObject());
    assertEquals(2, record(kvs.get("twice"), "twice").getInteger("value"));
  }

  @Test
  void bulkDeleteCountsTheLiveRecordsItRemoved() throws Exception {
    kvs.put("d1", write(1));
    kvs.put("d2", write(2));
    kvs.put("d-lapsed", write(3));
    kvs.execute("UPDATE kv SET expired_at = now() - interval '1 ms' WHERE key = 'd-lapsed'");
    HttpResponse<Buffer> response = post("delete", new JsonObject().put("keys", new JsonArray().add("d1").add("d2").add("d-lapsed").add("d-never")));
    assertEquals(new JsonObject().put("deleted", 2), response.bodyAsJsonObject());
    assertEquals(0, kvs.count("key IN ('d1', 'd2', 'd-lapsed') AND expired_at > now()"), "none is live");
    assertEquals(404, kvs.get("d1").statusCode());
    assertEquals(400, post("delete", keys("x", 1001)).statusCode());
    assertEquals(200, post("delete", keys("x", 1000)).statusCode());
  }

  @Test
  void bulkWritesAndDeletesInvalidateTheCache() {
    kvs.put("cached", write("v1"));
    assertEquals("v1", record(kvs.get("cached"), "cached").getString("value"));
    post("write", new JsonObject().put("items", new JsonArray().add(new JsonObject().put("key", "cached").put("value", "v2"))));
    assertEquals("v2", record(kvs.get("cached"), "cached").getString("value"));
    post("delete", new JsonObject().put("keys", new JsonArray().add("cached")));
    assertEquals(404, kvs.get("cached").statusCode());
  }

  @Test
  void malformedBulkBodiesAre400() {
    assertEquals("invalid_json", errorCode(postRaw("get", "{\"keys\": \"a\"}")));
    assertEquals("unknown_field", errorCode(postRaw("get", "{\"key\": [\"a\"]}")));
    assertEquals("invalid_key", errorCode(postRaw("get", "{\"keys\": [1]}")));
    assertEquals("invalid_key", errorCode(postRaw("delete", "{\"keys\": [\"ok\", \"not ok\"]}")));
    assertEquals("unknown_field", errorCode(postRaw("write", "{\"items\": [], \"extra\": 1}")));
    assertEquals(new JsonObject(), postRaw("get", "{\"keys\": []}").bodyAsJsonObject());
  }

  private static JsonObject keys(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(prefix + i);
    }
    return new JsonObject().put("keys", new JsonArray(keys));
  }

  private static HttpResponse<Buffer> post(String op, JsonObject body) {
    return kvs.http.post("/v1/ns/test/bulk/" + op).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> postRaw(String op, String body) {
    return kvs.http.post("/v1/ns/test/bulk/" + op).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
  }



}
