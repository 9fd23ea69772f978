package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.store.PgStore;
import dev.kvs.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The background purge deletes expired rows, and only those, while writes go on. */
class PurgeIT {
  private static TestService kvs;

  @BeforeAll
  static void start() {
    kvs = TestService.start("purge", Map.of(
        "KVS_PURGE_ENABLED", "true",
        "KVS_PURGE_INTERVAL_MS", "50",
        "KVS_PURGE_BATCH_SIZE", "250"));
  }

  @AfterAll
  static void stop() {
    kvs.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    kvs.execute("DELETE FROM kv");
  }

  @Test
  void purgeRemovesOnlyExpiredRowsWhileWritesGoOn() throws Exception {
    kvs.execute("INSERT INTO kv SELECT 'test', 'expired-' || i, '1', NULL, now() - interval '2 hours', now() - interval '1 hour'"
        + " FROM generate_series(1, 5000) i");
    kvs.execute("INSERT INTO kv SELECT 'test', 'live-' || i, '2', NULL, now(), now() + interval '1 hour'"
        + " FROM generate_series(1, 2000) i");

    // Writes race the purge: new keys, overwrites of live keys, and revivals of expired keys.
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 1; i <= 600; i++) {
      String key = switch (i % 3) {
        case 0 -> "new-" + i;
        case 1 -> "live-" + i;
        default -> "expired-" + i;
      };
      writes.add(kvs.http.put(TestService.path(TestService.NS, key)).sendJsonObject(write("w" + i)));
    }
    Future.all(writes).await();
    for (Future<HttpResponse<Buffer>> write : writes) {
      assertEquals(200, write.result().statusCode());
    }

    awaitNoExpiredRows();

    assertEquals(2000, kvs.count("key LIKE 'live-%'"), "live rows survive the purge");
    assertEquals(200, kvs.count("key LIKE 'new-%'"));
    assertEquals(200, kvs.count("key LIKE 'expired-%'"), "exactly the revived rows remain of the expired ones");
    for (int i = 2; i <= 600; i += 3) {
      assertEquals("w" + i, record(kvs.get("expired-" + i), "expired-" + i).getString("value"));
    }
    double deleted = kvs.registry.get("kvs.purge.deleted").counter().count();
    assertTrue(deleted >= 4800, "purged rows are counted: " + deleted);
  }

  @Test
  void purgeWaitsForTheReplicaHoldingTheLock() throws Exception {
    try (Connection otherReplica = kvs.sql(); Statement s = otherReplica.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + PgStore.PURGE_LOCK_KEY + ")");
      kvs.execute("INSERT INTO kv SELECT 'test', 'lapsed-' || i, '1', NULL, now() - interval '2 hours', now() - interval '1 hour'"
          + " FROM generate_series(1, 10) i");
      assertEquals(-1, kvs.app.purge().runOnce().await(), "skipped while another replica purges");
      assertEquals(10, kvs.count("key LIKE 'lapsed-%'"));
      s.execute("SELECT pg_advisory_unlock(" + PgStore.PURGE_LOCK_KEY + ")");
    }
    awaitNoExpiredRows();
    assertEquals(0, kvs.count("key LIKE 'lapsed-%'"));
  }

  private static void awaitNoExpiredRows() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (kvs.count("expired_at <= now()") > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("expired rows are still there after 30 s of purging");
      }
      Thread.sleep(50);
    }
  }


}
