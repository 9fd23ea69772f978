package dev.kvs;

import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kvs.support.DatabaseActivity;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness does not queue behind user traffic: with every connection of the request pool stuck
 * and requests waiting for one, /health/ready still answers 200 at once, from the background pool.
 * (Were it asked on the request pool, it would wait behind the stuck write and this test would
 * time out instead.)
 */
class SaturatedPoolIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("saturated", Map.of(
        "KVS_DB_POOL_SIZE", "1",
        "KVS_DB_PIPELINING_LIMIT", "1",
        "KVS_DB_LOCK_TIMEOUT_MS", "60000",
        "KVS_CACHE_ENABLED", "false"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @Test
  void readinessAnswersWhileThePoolIsSaturated() throws Exception {
    kvs.put("held", write("before"));
    List<Future<HttpResponse<Buffer>>> stuck = new ArrayList<>();
    try (Connection sql = kvs.sql(); Statement s = sql.createStatement()) {
      sql.setAutoCommit(false);
      s.execute("SELECT * FROM kv WHERE key = 'held' FOR UPDATE");
      stuck.add(kvs.http.put(TestService.path(TestService.NS, "held")).sendJsonObject(write("after")));
      DatabaseActivity.await(s, "wait_event_type = 'Lock' AND query LIKE 'WITH written AS%INSERT INTO kv%'", "the write never waited");
      for (int i = 0; i < 50; i++) {
        stuck.add(kvs.http.get(TestService.path(TestService.NS, "other-" + i)).send()); // queued for the one connection
      }

      HttpResponse<Buffer> ready = kvs.http.get("/health/ready").timeout(20_000).send().await();
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      for (Future<HttpResponse<Buffer>> request : stuck) {
        assertFalse(request.isComplete(), "the pool was still saturated when readiness answered");
      }
      sql.commit();
    }
    Future.all(stuck).await();
    assertEquals(200, stuck.get(0).result().statusCode());
  }
}
