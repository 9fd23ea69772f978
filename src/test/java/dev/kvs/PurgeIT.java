package dev.kvs;

import static dev.kvs.support.Records.record;
import static dev.kvs.support.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.store.PurgeStore;
import dev.kvs.support.Await;
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
      s.execute("SELECT pg_advisory_lock(" + PurgeStore.PURGE_LOCK_KEY + ")");
      kvs.execute("INSERT INTO kv SELECT 'test', 'lapsed-' || i, '1', NULL, now() - interval '2 hours', now() - interval '1 hour'"
          + " FROM generate_series(1, 10) i");
      assertEquals(-1, kvs.app.purge().runOnce().await(), "skipped while another replica purges");
      assertEquals(10, kvs.count("key LIKE 'lapsed-%'"));
      s.execute("SELECT pg_advisory_unlock(" + PurgeStore.PURGE_LOCK_KEY + ")");
    }
    awaitNoExpiredRows();
    assertEquals(0, kvs.count("key LIKE 'lapsed-%'"));
  }

  @Test
  void aRowAWriterIsRevivingIsSkippedNotWaitedForAndKept() throws Exception {
    // The write takes the expired row and holds it (its trigger waits for a lock this test holds);
    // the purge must neither wait for the row nor delete it, and the revived record must survive.
    try (AutoCloseable heldRevival = kvs.trigger("held_revival", "UPDATE",
            "IF NEW.key = 'racing' THEN PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242); END IF; RETURN NEW;");
         Connection test = kvs.sql(); Statement s = test.createStatement()) {
      s.execute("SELECT pg_advisory_lock(4242)");
      s.execute("SELECT pg_advisory_lock(" + PurgeStore.PURGE_LOCK_KEY + ")"); // the periodic purge keeps off the row for now
      kvs.execute("INSERT INTO kv VALUES ('test', 'racing', '\"old\"', NULL, now() - interval '2 hours', now() - interval '1 hour')");
      Future<HttpResponse<Buffer>> revival = kvs.http.put(TestService.path(TestService.NS, "racing"))
          .sendJsonObject(write("revived"));
      DatabaseActivity.await(s, "wait_event = 'advisory' AND query LIKE 'WITH written AS%INSERT INTO kv%'", "the write never reached its trigger");
      s.execute("SELECT pg_advisory_unlock(" + PurgeStore.PURGE_LOCK_KEY + ")");

      assertEquals(0, kvs.app.purge().runOnce().await(), "the purge skipped the row the writer holds");
      assertFalse(revival.isComplete(), "the writer still holds the row: the purge did not wait for it");
      s.execute("SELECT pg_advisory_unlock(4242)");
      assertEquals(200, revival.await().statusCode());
    }
    assertEquals(1, kvs.count("key = 'racing' AND expired_at > now()"), "the revived row survived the purge");
    assertEquals("revived", record(kvs.get("racing"), "racing").getString("value"));
  }

  @Test
  void aWriteToARowThePurgeHoldsWaitsThenCreatesTheRecordAfresh() throws Exception {
    // The other order: the purge has chosen and locked the expired row (its DELETE trigger waits for
    // a lock this test holds); a write to the key waits for it, then creates a new live record.
    try (AutoCloseable heldPurge = kvs.trigger("held_purge", "DELETE",
            "IF OLD.key = 'purging' THEN PERFORM pg_advisory_lock(4243); PERFORM pg_advisory_unlock(4243); END IF; RETURN OLD;");
         Connection test = kvs.sql(); Statement s = test.createStatement()) {
      s.execute("SELECT pg_advisory_lock(4243)");
      kvs.execute("INSERT INTO kv VALUES ('test', 'purging', '\"old\"', NULL, now() - interval '2 hours', now() - interval '1 hour')");
      double deletedBefore = kvs.registry.get("kvs.purge.deleted").counter().count();
      // This run or one of the timer's (every 50 ms here) takes the row: whichever does is held.
      Future<Integer> purging = kvs.app.purge().runOnce();
      DatabaseActivity.await(s, "wait_event = 'advisory' AND query LIKE 'WITH batch AS%'", "the purge never reached the row");
      Future<HttpResponse<Buffer>> write = kvs.http.put(TestService.path(TestService.NS, "purging"))
          .sendJsonObject(write("fresh"));
      DatabaseActivity.await(s, "wait_event_type = 'Lock' AND wait_event <> 'advisory' AND query LIKE 'WITH written AS%INSERT INTO kv%'",
          "the write never waited for the row the purge holds");
      s.execute("SELECT pg_advisory_unlock(4243)");
      purging.await();
      Await.until("the purge deleted the expired row", 10_000,
          () -> kvs.registry.get("kvs.purge.deleted").counter().count() - deletedBefore >= 1);
      assertEquals(200, write.await().statusCode());
    }
    assertEquals(1, kvs.count("key = 'purging' AND expired_at > now() AND created_at > now() - interval '1 minute'"),
        "a new live record");
    assertEquals("fresh", record(kvs.get("purging"), "purging").getString("value"));
  }

  private static void awaitNoExpiredRows() {
    Await.until("no expired rows left", 30_000, () -> kvs.count("expired_at <= now()") == 0);
  }
}
