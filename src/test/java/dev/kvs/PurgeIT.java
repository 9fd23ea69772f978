package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.store.PgStore;
import dev.kvs.support.DatabaseActivity;
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

  @Test
  void aRowRevivedWhileThePurgeDeletesItIsKept() throws Exception {
    // The exact interleaving, staged: the write takes the expired row and holds it (a trigger
    // sleeps inside its UPDATE), the purge's DELETE, which saw the row expired, waits for it, then
    // the write commits a live record. The purge must re-check and keep it.
    kvs.execute("""
        CREATE FUNCTION slow_revival() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.key = 'racing' THEN PERFORM pg_sleep(1); END IF;
          RETURN NEW;
        END $$""");
    kvs.execute("CREATE TRIGGER slow_revival BEFORE UPDATE ON kv FOR EACH ROW EXECUTE FUNCTION slow_revival()");
    try (Connection otherReplica = kvs.sql(); Statement s = otherReplica.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + PgStore.PURGE_LOCK_KEY + ")"); // no purge yet
      kvs.execute("INSERT INTO kv VALUES ('test', 'racing', '\"old\"', NULL, now() - interval '2 hours', now() - interval '1 hour')");

      Future<HttpResponse<Buffer>> revival = kvs.http.put(TestService.path(TestService.NS, "racing"))
          .sendJsonObject(write("revived"));
      DatabaseActivity.await(s, "wait_event = 'PgSleep'", "the write never reached its trigger");
      s.execute("SELECT pg_advisory_unlock(" + PgStore.PURGE_LOCK_KEY + ")");
      Future<Integer> purging = kvs.app.purge().runOnce();
      DatabaseActivity.await(s, "wait_event_type = 'Lock' AND query LIKE 'DELETE FROM kv%'",
          "the purge never waited for the row");

      assertEquals(200, revival.await().statusCode());
      purging.await();
    } finally {
      kvs.execute("DROP TRIGGER slow_revival ON kv");
      kvs.execute("DROP FUNCTION slow_revival()");
    }
    assertEquals(1, kvs.count("key = 'racing' AND expired_at > now()"), "the revived row survived the purge");
    assertEquals("revived", record(kvs.get("racing"), "racing").getString("value"));
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
