package dev.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent GETs of different keys share statements (one pooled connection, so all but the first
 * wait and go out together), and each request still gets its own answer: its record, or 404.
 */
class BatchedReadsIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("batched_reads", Map.of("KVS_DB_POOL_SIZE", "1", "KVS_CACHE_ENABLED", "false",
        "KVS_BATCH_MAX_KEYS", "16"));
    JsonArray items = new JsonArray();
    for (int i = 0; i < 200; i += 2) { // even keys exist, odd ones do not
      items.add(new JsonObject().put("key", "k" + i).put("value", new JsonObject().put("i", i)));
    }
    HttpResponse<Buffer> written = kvs.http.post("/v1/ns/" + TestService.NS + "/bulk/write")
        .sendJsonObject(new JsonObject().put("items", items)).await();
    assertEquals(200, written.statusCode(), written.bodyAsString());
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void concurrentGetsShareStatementsAndEachGetsItsOwnAnswer() {
    double statementsBefore = batches();
    List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200; i++) {
        gets.add(kvs.http.get(TestService.path(TestService.NS, "k" + i)).send());
      }
    }
    Future.join(gets).await();
    for (int n = 0; n < gets.size(); n++) {
      int i = n % 200;
      HttpResponse<Buffer> got = gets.get(n).result();
      if (i % 2 == 0) {
        assertEquals(200, got.statusCode(), "k" + i + ": " + got.bodyAsString());
        assertEquals(i, got.bodyAsJsonObject().getJsonObject("k" + i).getJsonObject("value").getInteger("i"), "k" + i);
      } else {
        assertEquals(404, got.statusCode(), "k" + i + ": " + got.bodyAsString());
      }
    }
    double statements = batches() - statementsBefore;
    assertTrue(statements < gets.size() / 2.0, "600 reads went out in " + statements + " statements: they were not shared");
    assertTrue(kvs.registry.find("kvs.batch.reads").summary().max() <= 16, "no statement over KVS_BATCH_MAX_KEYS");
  }

  @Test
  void anIdleServiceSendsAReadAtOnceAlone() {
    double before = batches();
    double keysBefore = kvs.registry.find("kvs.batch.reads").summary().totalAmount();
    assertEquals(200, kvs.get("k2").statusCode());
    assertEquals(1, batches() - before);
    assertEquals(1, kvs.registry.find("kvs.batch.reads").summary().totalAmount() - keysBefore, "a batch of one");
  }

  private static double batches() {
    return kvs.registry.find("kvs.batch.reads").summary().count();
  }
}
